"""The API's serializers, one module per subject; `common` holds the fields they share."""
