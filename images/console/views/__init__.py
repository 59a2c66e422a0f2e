"""The publisher console (/console/) and the curator console (/curation/), one module per area.

Thin: each view finds its objects, checks the form, calls one service and renders. Who may do what
is decided by images.services.authorization (asked here to show or hide, and again by the services).
"""
