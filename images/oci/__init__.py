"""OCI content, pure (no Django, no I/O): what a manifest, index, descriptor, digest and media type
are, and the limits on them.

    media_types.py  every media type Hub knows, in groups, and the media type grammar
    digests.py      digest grammar, the algorithms Hub verifies, validate and compute
    (strict, bounded JSON reading is images/documents.py, which the indexer and the API share)
    manifests.py    a pushed body + Content-Type -> ImageManifest | ImageIndex (frozen dataclasses)
    build.py        small in-memory images for the demo catalogue, tests and benchmarks

Errors are images.errors' ManifestInvalid, DigestInvalid and TooLarge; each edge says them in its
own wire format. The services (images/services/manifests.py, blobs.py) do the database work.
"""
