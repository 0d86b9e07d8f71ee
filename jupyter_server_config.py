# Jupyter server settings of this project. `make lab` puts this folder on
# JUPYTER_CONFIG_PATH, so this file is read besides your own Jupyter configuration.
#
# After each save of a notebook, git's record of the file is refreshed when the notebook
# has no change for git (its outputs are stripped by the git filter), so Run All and save
# leave `git status` clean; a real change is never staged. See shanxi_analysis/savehook.py.
c = get_config()  # noqa: F821 (defined by Jupyter when it reads this file)
c.FileContentsManager.post_save_hook = "shanxi_analysis.savehook.post_save"
