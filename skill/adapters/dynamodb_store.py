"""DynamoDB persistence for AWS Lambda: the stock ASK adapter, keyed by our hashed user id.

boto3 and ask_sdk_dynamodb are imported inside ``make_dynamodb_adapter`` only, so that a
Lambda cold start that never touches DynamoDB does not pay for importing boto3 (and so
the stock adapter's import-time ``boto3.resource("dynamodb")`` cannot fail at import).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model.request_envelope import RequestEnvelope

from skill.adapters.user_key import user_key

if TYPE_CHECKING:
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    from mypy_boto3_dynamodb.service_resource import DynamoDBServiceResource

PARTITION_KEY_NAME = "id"
"""Partition key of the table (type S); template.yaml must declare the same."""

ATTRIBUTE_NAME = "attributes"
"""Item attribute holding the user's attributes as a DynamoDB map."""


def to_dynamodb(value: object, where: str = "attributes") -> object:
    """Convert JSON-like data to what boto3 accepts: floats become Decimal.

    boto3 refuses float (binary floats are inexact); ``Decimal(repr(f))`` is the shortest
    decimal that reads back as the same float. Values that would not read back equal
    (NaN, infinities, non-string or empty keys, tuples, sets, other objects) raise
    PersistenceException, as in the SQLite adapter.
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PersistenceException(f"{where}: {value!r} is not a finite number")
        return Decimal(repr(value))
    if isinstance(value, list):
        return [to_dynamodb(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        converted: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise PersistenceException(f"{where}: key {key!r} is not a non-empty string")
            converted[key] = to_dynamodb(item, f"{where}.{key}")
        return converted
    raise PersistenceException(f"{where}: {type(value).__name__} is not JSON-like")


def from_dynamodb(value: object) -> object:
    """Convert what boto3 returns back to JSON-like data: Decimal -> int or float.

    Integral Decimals become int, others float. DynamoDB normalises numbers ("2.0" is
    stored as "2"), so a float with an integral value comes back as an equal int.
    """
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, Mapping):
        return {str(key): from_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_dynamodb(item) for item in value]
    if isinstance(value, set | frozenset):
        # Only items written by other tools can hold DynamoDB sets; lists are JSON-like.
        return sorted((from_dynamodb(item) for item in value), key=repr)
    return value


class JsonLikeDynamoDbAdapter(AbstractPersistenceAdapter):
    """Wraps the stock DynamoDbAdapter so callers see plain ints and floats, never Decimal.

    Kept separate from the factory (and free of boto3 imports) so it can wrap any
    AbstractPersistenceAdapter, for example a fake in tests.
    """

    def __init__(self, inner: AbstractPersistenceAdapter) -> None:
        """``inner`` talks to DynamoDB and returns boto3's Decimal numbers."""
        self._inner = inner

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, object]:
        """The user's attributes with numbers as int/float; {} for an unknown user."""
        try:
            stored = self._inner.get_attributes(request_envelope)
        except PersistenceException:
            raise
        except Exception as exc:
            raise PersistenceException("Failed to read attributes from DynamoDB") from exc
        attributes = from_dynamodb(stored)
        if not isinstance(attributes, dict):
            raise PersistenceException("Stored attributes in DynamoDB are not a map")
        return attributes

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, object]
    ) -> None:
        """Replace the user's attributes (floats are written as Decimal)."""
        converted = {key: to_dynamodb(item, key) for key, item in attributes.items()}
        try:
            self._inner.save_attributes(request_envelope, converted)
        except PersistenceException:
            raise
        except Exception as exc:
            raise PersistenceException("Failed to save attributes to DynamoDB") from exc

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Remove the user's item."""
        try:
            self._inner.delete_attributes(request_envelope)
        except PersistenceException:
            raise
        except Exception as exc:
            raise PersistenceException("Failed to delete attributes in DynamoDB") from exc


def _import_stock_adapter(region: str | None) -> type[DynamoDbAdapter]:
    """Import ask_sdk_dynamodb.adapter even where no AWS region is configured.

    That module calls ``boto3.resource("dynamodb")`` as a default argument at import time,
    which raises NoRegionError without a region. We always pass our own resource, so the
    throwaway default only needs *a* region: retry once with AWS_DEFAULT_REGION set for
    the import, then restore the environment. Not thread-safe (it touches os.environ):
    call the factory where the skill is wired, once.
    """
    from botocore.exceptions import NoRegionError

    try:
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    except NoRegionError:
        previous = os.environ.get("AWS_DEFAULT_REGION")
        os.environ["AWS_DEFAULT_REGION"] = region or "us-east-1"
        try:
            from ask_sdk_dynamodb.adapter import DynamoDbAdapter
        finally:
            if previous is None:
                del os.environ["AWS_DEFAULT_REGION"]
            else:
                os.environ["AWS_DEFAULT_REGION"] = previous
    return DynamoDbAdapter


def make_dynamodb_adapter(
    table_name: str,
    *,
    dynamodb_resource: DynamoDBServiceResource | None = None,
    region: str | None = None,
) -> AbstractPersistenceAdapter:
    """Build the DynamoDB adapter for table ``table_name`` (partition key "id", type S).

    The table is never created here (``create_table=False``): template.yaml owns it, and
    a missing table makes every get/save/delete raise PersistenceException. Pass
    ``dynamodb_resource`` to reuse a resource (tests pass a moto-backed one); otherwise
    one is built for ``region`` (None: boto3's usual lookup, e.g. AWS_REGION on Lambda).
    """
    try:
        import boto3

        resource = (
            dynamodb_resource
            if dynamodb_resource is not None
            else boto3.resource("dynamodb", region_name=region)
        )
        stock_adapter = _import_stock_adapter(region or resource.meta.client.meta.region_name)
        inner = stock_adapter(
            table_name,
            partition_key_name=PARTITION_KEY_NAME,
            attribute_name=ATTRIBUTE_NAME,
            create_table=False,
            partition_keygen=user_key,
            dynamodb_resource=resource,
        )
    except Exception as exc:
        raise PersistenceException(f"Cannot set up DynamoDB table {table_name!r}") from exc
    return JsonLikeDynamoDbAdapter(inner)
