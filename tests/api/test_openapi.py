"""The OpenAPI description the app serves is a valid OpenAPI document."""

from openapi_spec_validator import validate


def test_it_serves_a_valid_openapi_document(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    paths = document["paths"]
    for path in (
        "/api/v1/incidents",
        "/api/v1/incidents/{reference}",
        "/api/v1/incidents/{reference}/journal",
        "/api/v1/incidents/{reference}/evidence",
        "/api/v1/incidents/{reference}/dossiers",
    ):
        assert "get" in paths[path]
    assert not any(method in ops for ops in paths.values() for method in ("post", "put", "delete"))
    assert (
        "BearerAuth" in str(document["components"]["securitySchemes"])
        or document["components"]["securitySchemes"]
    )
