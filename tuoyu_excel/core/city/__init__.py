"""Guangxi demonstration-city scoring: rates, regional averages, computed items, ranking."""
