"""Reading the exports officers drop into data/."""
