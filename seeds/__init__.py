"""Reference and demo data for ``manage.py seed``.

Unit and alliance names come from the source articles (DESIGN.md); every
person here — party, mediator, officer — is fictional.
"""
