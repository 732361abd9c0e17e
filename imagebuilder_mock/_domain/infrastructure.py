"""Infrastructure configurations: where builds and tests run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .._errors import InvalidParameterCombination
from .arns import slug
from .backend import Backend
from .filters import field_equals
from .listing import list_page
from .operations import Operations, create
from .references import check_infrastructure
from .resources import Bag, Resource, updated_time
from .store import store_order
from .tags import check_resource_tags

__all__ = ["InfrastructureConfiguration"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# Members of Create/Update that are not settings of the configuration itself.
_NOT_SETTINGS = frozenset(
    {"name", "tags", "clientToken", "dryRun", "infrastructureConfigurationArn"}
)


@dataclass(eq=False)
class InfrastructureConfiguration(Resource):
    kind = "InfrastructureConfiguration"

    settings: dict[str, Any] = field(default_factory=dict)
    date_updated: dt.datetime | None = None

    # The request's members as sent. ``dateUpdated`` only once an Update has run:
    # no request member is named so, so the getter never hides a setting.
    layers = (*Resource.layers, Bag("settings"), {"dateUpdated": updated_time})


def _settings(params: dict[str, Any]) -> dict[str, Any]:
    """The configuration a Create or Update describes, with the service's defaults."""
    check_resource_tags(params)
    settings = {k: v for k, v in params.items() if k not in _NOT_SETTINGS}
    # Instances are terminated on failure unless the caller asks to keep them.
    settings.setdefault("terminateInstanceOnFailure", True)
    placement = settings.get("placement") or {}
    if placement.get("hostId") and placement.get("hostResourceGroupArn"):
        raise InvalidParameterCombination(
            "The value supplied for parameter 'placement' is not valid. Specify either "
            "hostId or hostResourceGroupArn, not both."
        )
    if (placement.get("hostId") or placement.get("hostResourceGroupArn")) and placement.get(
        "tenancy"
    ) != "host":
        raise InvalidParameterCombination(
            "The value supplied for parameter 'placement' is not valid. hostId and "
            "hostResourceGroupArn apply only when tenancy is 'host'."
        )
    return settings


@OPERATIONS.handles("CreateInfrastructureConfiguration")
def create_infrastructure_configuration(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    config = InfrastructureConfiguration(
        arn=backend.arn("infrastructure-configuration", slug(params["name"])),
        name=params["name"],
        owner=backend.account_id,
        date_created=backend.now(),
        tags=dict(params.get("tags") or {}),
        settings=_settings(params),
    )
    check_infrastructure(backend, params)
    create(backend, config, params)
    return {"infrastructureConfigurationArn": config.arn}


@OPERATIONS.handles("GetInfrastructureConfiguration")
def get_infrastructure_configuration(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["infrastructureConfigurationArn"]
    config = backend.get(arn, InfrastructureConfiguration, "infrastructureConfigurationArn")
    return {"infrastructureConfiguration": config.view("InfrastructureConfiguration")}


@OPERATIONS.handles("UpdateInfrastructureConfiguration")
def update_infrastructure_configuration(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["infrastructureConfigurationArn"]
    config = backend.get(arn, InfrastructureConfiguration, "infrastructureConfigurationArn")
    # A full replacement: what the request leaves out is cleared, tags stay.
    settings = _settings(params)
    check_infrastructure(backend, params)
    config.settings = settings
    config.date_updated = backend.now()
    return {"infrastructureConfigurationArn": arn}


@OPERATIONS.handles("DeleteInfrastructureConfiguration")
def delete_infrastructure_configuration(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["infrastructureConfigurationArn"]
    backend.remove(backend.get(arn, InfrastructureConfiguration, "infrastructureConfigurationArn"))
    return {"infrastructureConfigurationArn": arn}


@OPERATIONS.handles("ListInfrastructureConfigurations")
def list_infrastructure_configurations(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return list_page(
        backend,
        "ListInfrastructureConfigurations",
        backend.store(InfrastructureConfiguration).ordered,
        params,
        matchers={"name": field_equals(lambda c: c.name)},
        sort_key=store_order,
        view="InfrastructureConfigurationSummary",
        result_key="infrastructureConfigurationSummaryList",
    )
