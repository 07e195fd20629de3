"""Thumbnail and small variants of frames.

    VariantSpec(width, format, quality)       the settings of one variant; .tag names files
    make_variants(frame, specs) -> [Variant]  from a frame in memory (the capture path)
    variants_from_file(path, specs)           from a JPEG on disk, decoded at reduced scale
    BulkMaker(workers).run(items)             many frames on several threads, in order
    walk(root, folders)                       the files on disk, for the orphan check

Failures to read a source are SourceError with a message fit to show.
"""
from pipelines.thumbnails.bulk import BulkMaker, Item, Outcome, Target
from pipelines.thumbnails.make import Variant, encode, make_variants, resize
from pipelines.thumbnails.scan import FileEntry, subfolders, walk
from pipelines.thumbnails.source import SourceError, load_reduced, variants_from_file
from pipelines.thumbnails.spec import FORMATS, QUALITY_RANGE, WIDTH_RANGE, VariantSpec, mimetype_for

__all__ = [
    "FORMATS",
    "QUALITY_RANGE",
    "WIDTH_RANGE",
    "BulkMaker",
    "FileEntry",
    "Item",
    "Outcome",
    "SourceError",
    "Target",
    "Variant",
    "VariantSpec",
    "encode",
    "load_reduced",
    "make_variants",
    "mimetype_for",
    "resize",
    "subfolders",
    "variants_from_file",
    "walk",
]
