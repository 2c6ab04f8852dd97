"""Writes to the report store. (Being written: see ingest.py for the import pipeline.)"""
