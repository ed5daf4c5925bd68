"""The vocabulary every stage shares, with no data I/O: problems, text folding, names,
number and date formatting, ratings, settings, addresses, months, timings and progress.

Imports: nothing else of generator/.
"""
