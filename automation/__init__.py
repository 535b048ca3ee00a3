"""thidua: award nominations kept in a spreadsheet, checked and turned into Word submissions.

The whole job is `automation.sync.sync`; the folder names say where each stage lives.
"""

__version__ = "0.1.0"
