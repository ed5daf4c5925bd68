"""The monthly round: the pipeline from data folder to public view, the leak check over the
built site, the validation report, publishing, the preview server, the brief's PDF.

Imports: every stage below.
"""
