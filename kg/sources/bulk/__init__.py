"""Full text from bulk packages on local disk: what the packages are and how they are
streamed (packages.py), and how their articles reach the workspace (read.py)."""
