"""Developer tooling outside the runtime package: quality evaluations and the speed benchmark.

Reached through `newsbot eval …` and `newsbot bench`; the bot never imports it.
"""
