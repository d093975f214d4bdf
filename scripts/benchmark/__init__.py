"""What scripts/bench.py measures with: the harness (processes, environments, servers, databases)
and the two baselines it compares footfall with, as real programs: the 2008 article's design
(article.py) and the floor of one process per hit (floor.py)."""
