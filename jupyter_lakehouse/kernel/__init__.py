"""Code that runs inside an IPython kernel: the notebook's Spark session, magics, display."""
