"""Real-browser tests: the learners' lessons run in JupyterLab in Chromium."""
