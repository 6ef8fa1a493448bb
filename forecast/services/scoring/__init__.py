"""Scores of resolved questions: computing them in bulk and writing them (see resolver.py).

Below resolution and conditionals, which both score what they resolve: resolving a question by
hand and a conditional question following its condition and outcome.
"""
