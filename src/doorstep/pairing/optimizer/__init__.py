"""The pairing optimizer, free of Django: arrays in, arrays out.

- problem.py: the input (households, workers, eligibility classes) and the parameters;
- graph.py: eligibility, independent components and the sparse candidate graph;
- flow.py: the exact minimum-cost flow per component, on one or two processes;
- baseline.py: the greedy nearest-available baseline, the lower bound and the figures.

pairing.loading builds a Problem from the database; bench/pairing_*.py builds one in
NumPy. See docs/decisions/0003-pairing-optimizer.md for why it is built this way.
"""
