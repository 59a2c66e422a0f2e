import io
import zipfile
from pathlib import Path

import pytest

from images.indexing.packages import java
from images.indexing.packages.model import UnreadableFile

FIXTURES = Path(__file__).parent.parent / "fixtures" / "java"


@pytest.mark.parametrize(
    "fixture, expected",
    [
        (
            "plexus-component-annotations-2.1.0.jar",
            [
                (
                    "org.codehaus.plexus:plexus-component-annotations",
                    "2.1.0",
                    "pkg:maven/org.codehaus.plexus/plexus-component-annotations@2.1.0",
                    (),
                )
            ],
        ),
        (
            "opentest4j-1.3.0.jar",
            [("opentest4j", "1.3.0", "pkg:maven/opentest4j@1.3.0", ("The Apache License, Version 2.0",))],
        ),
        ("jcip-annotations-1.0.jar", [("jcip-annotations", "1.0", "pkg:maven/jcip-annotations@1.0", ())]),
        ("javax.inject-1.jar", [("javax.inject", "1", "pkg:maven/javax.inject@1", ())]),
    ],
)
def test_parse_archive(fixture, expected):
    path = f"opt/app/lib/{fixture}"
    assert java.is_java_archive(path)
    data = (FIXTURES / fixture).read_bytes()
    packages = java.parse_archive(data, path)
    assert [(p.name, p.version, p.purl, p.licenses) for p in packages] == expected
    assert java.parse_archive(java.archive_excerpt(data), path) == packages


def zip_of(members: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


def test_war_with_nested_jars():
    war = zip_of(
        {
            "META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\r\nImplementation-Title: shop\r\n"
            b"Implementation-Version: 3.1\r\n\r\n",
            "WEB-INF/lib/opentest4j-1.3.0.jar": (FIXTURES / "opentest4j-1.3.0.jar").read_bytes(),
            "WEB-INF/lib/plexus-component-annotations-2.1.0.jar": (
                FIXTURES / "plexus-component-annotations-2.1.0.jar"
            ).read_bytes(),
        }
    )
    packages = java.parse_archive(war, "srv/shop.war")
    assert [(p.name, p.version, p.path) for p in packages] == [
        ("shop", "3.1", "srv/shop.war"),
        ("opentest4j", "1.3.0", "srv/shop.war:WEB-INF/lib/opentest4j-1.3.0.jar"),
        (
            "org.codehaus.plexus:plexus-component-annotations",
            "2.1.0",
            "srv/shop.war:WEB-INF/lib/plexus-component-annotations-2.1.0.jar",
        ),
    ]
    excerpt = java.archive_excerpt(war)
    assert len(excerpt) < len(war)
    assert java.parse_archive(excerpt, "srv/shop.war") == packages


def test_nesting_is_bounded():
    archive = zip_of({"META-INF/maven/g/a/pom.properties": b"groupId=g\nartifactId=a\nversion=1\n"})
    for depth in range(java.MAX_NESTING + 3):
        archive = zip_of({f"lib/level{depth}.jar": archive})
    assert java.parse_archive(archive, "deep.jar") == []


def test_zip_bomb_member_is_not_inflated():
    bomb = zip_of({"META-INF/maven/g/a/pom.properties": b"version=1\n" + b"#" * (java.MAX_METADATA_BYTES + 1)})
    assert java.parse_archive(bomb, "bomb.jar") == []


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 truncated", b"not a zip"])
def test_broken_archives(data):
    with pytest.raises(UnreadableFile, match="not a readable zip archive"):
        java.parse_archive(data, "x.jar")
    with pytest.raises(UnreadableFile, match="not a readable zip archive"):
        java.archive_excerpt(data)


def test_manifest_continuation_lines():
    text = "Manifest-Version: 1.0\r\nImplementation-Title: a-very-long\r\n -name\r\n\r\nName: other\r\n"
    assert java.parse_manifest(text.replace("\r\n", "\n")) == {
        "Manifest-Version": "1.0",
        "Implementation-Title": "a-very-long-name",
    }
