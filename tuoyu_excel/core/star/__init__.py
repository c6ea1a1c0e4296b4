"""Liuzhou star rating: eligibility, ranking by zone, rating history, the county report."""
