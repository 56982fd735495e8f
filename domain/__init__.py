"""The rules of the review process, in plain Python with no Slack imports.

Time handling, event kinds, the document export: what most unit tests aim at.
"""
