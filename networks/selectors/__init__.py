"""Reads. Each selector starts from what the user may see (networks.access) and runs a fixed
number of queries whatever the amount of data (the tests pin the counts).

One module per subject (lifecycle, firms, activities, joint_actions, support, progress, term,
evaluation, data, history, accounts), `sql` for the SQL pieces they share, `network_page` and
`dashboard/` for the pages that read every subject. Import the module, e.g.
`from networks.selectors import term as term_selectors`; this package re-exports nothing.
"""
