"""Distribution configurations: where the output of a build goes, region by region.

The configuration is stored as the request gave it (AMI name templates such as
``{{imagebuilder:buildDate}}`` stay verbatim until a build expands them), and
the output shapes of the model decide what Get and List show, so members the
model adds later flow through untouched.

Rules checked on Create and Update, each taken from the model's documentation:

* ``Distribution`` list: "A Region can appear at most once in the list."
  → InvalidParameterCombinationException.
* ``LaunchTemplateConfiguration``: "Identifies an Amazon EC2 launch template to use
  for a specific account" → at most one per account (default: the caller) in a
  region → InvalidParameterCombinationException.
* ``FastLaunchConfiguration.accountId``: "The owner account ID for the fast-launch
  enabled Windows AMI" → at most one per account in a region (one AMI, one
  setting) → InvalidParameterCombinationException.
* ``SsmParameterConfiguration.amiAccountId``: "this account must be specified in
  distribution settings as a target account for the Region" → it must be one of
  the region's ``targetAccountIds`` (the caller when none are given)
  → InvalidParameterCombinationException.
* ``AmiDistributionConfiguration.name``: "The name must include the
  ``{{ imagebuilder:buildDate }}`` dynamic tag" → InvalidParameterValueException.
* ``LaunchPermissionConfiguration.userGroups``: "The only supported value is
  ``all``" → InvalidParameterValueException.
* ``Distribution.region``: a Region of the caller's partition, as the installed
  botocore lists them → InvalidParameterValueException.
* ``TargetContainerRepository.repositoryName``: "Provide the repository name only
  (... not the registry hostname)" → InvalidParameterValueException.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .._errors import InvalidParameterCombination, invalid_value
from .arns import slug
from .backend import Backend
from .filters import Matcher, field_equals
from .listing import list_page
from .operations import Operations, check_dry_run, create
from .references import check_repository
from .regions import partition_of, partition_regions
from .resources import Bag, Resource, updated_time
from .store import store_order

__all__ = ["DEFAULT_TIMEOUT_MINUTES", "DistributionConfiguration"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# The model requires ``timeoutMinutes`` in the output but lets no request set it;
# the service's maximum is what a configuration reports (behaviour decision 6).
DEFAULT_TIMEOUT_MINUTES = 720

# Members of Create/Update that are not settings of the configuration itself.
_NOT_SETTINGS = frozenset({"name", "tags", "clientToken", "dryRun", "distributionConfigurationArn"})

# The dynamic tag every AMI name must carry; the model's own example has spaces inside.
_BUILD_DATE_TAG = re.compile(r"\{\{\s*imagebuilder:buildDate\s*\}\}")

# Hostnames of ECR registries (commercial and China partitions), or any URL.
_REGISTRY_HOST = re.compile(r"^[^/]*://|^[^/]+\.amazonaws\.com(?:\.cn)?(?::\d+)?/")


@dataclass(eq=False)
class DistributionConfiguration(Resource):
    """A stored distribution configuration.

    ``settings`` holds every configuration member of the last Create or Update
    request (``description``, ``distributions`` and whatever the model adds),
    named as in the model; ``distributions`` and ``regions`` read it.
    """

    kind = "DistributionConfiguration"

    settings: dict[str, Any] = field(default_factory=dict)
    date_updated: dt.datetime | None = None

    @property
    def distributions(self) -> list[dict[str, Any]]:
        """The per-region entries in request order (``region`` is always set)."""
        return list(self.settings.get("distributions") or [])

    @property
    def regions(self) -> list[str]:
        return [entry["region"] for entry in self.distributions]

    layers = (
        *Resource.layers,
        # Below the settings: a default, shown unless the settings hold the member.
        {"timeoutMinutes": lambda config: DEFAULT_TIMEOUT_MINUTES},
        Bag("settings"),
        {
            "regions": operator.attrgetter("regions"),
            # Only once an Update has run; no request member is named so.
            "dateUpdated": updated_time,
        },
    )


# -- request checks ------------------------------------------------------------------------


def _combination_error(parameter: str, rule: str) -> InvalidParameterCombination:
    return InvalidParameterCombination(
        f"The value supplied for parameter '{parameter}' is not valid. {rule}"
    )


def _check_ami(ami: dict[str, Any], path: str) -> None:
    name = ami.get("name")
    if name is not None and not _BUILD_DATE_TAG.search(name):
        raise invalid_value(
            f"{path}.name",
            "The AMI name must include the {{imagebuilder:buildDate}} dynamic tag so that "
            "each build produces a uniquely named AMI.",
        )
    groups = (ami.get("launchPermission") or {}).get("userGroups") or []
    for i, group in enumerate(groups):
        if group != "all":
            raise invalid_value(
                f"{path}.launchPermission.userGroups[{i}]",
                f"'{group}' is not a supported user group; the only supported value is 'all'.",
            )


def _check_container(container: dict[str, Any], path: str) -> None:
    repository = container["targetRepository"]["repositoryName"]
    if _REGISTRY_HOST.search(repository):
        raise invalid_value(
            f"{path}.targetRepository.repositoryName",
            f"'{repository}' includes a registry hostname; provide the repository name only.",
        )


def _check_one_per_account(
    entries: Iterable[dict[str, Any]], path: str, account_key: str, caller: str, what: str
) -> None:
    """Several settings for one account in one region would contradict each other."""
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        account = entry.get(account_key) or caller
        if account in seen:
            raise _combination_error(
                f"{path}[{i}].{account_key}",
                f"More than one {what} for account '{account}' in the same Region.",
            )
        seen.add(account)


def _check_ssm_accounts(entry: dict[str, Any], path: str, caller: str) -> None:
    ami = entry.get("amiDistributionConfiguration") or {}
    targets = set(ami.get("targetAccountIds") or [caller])
    for i, parameter in enumerate(entry.get("ssmParameterConfigurations") or []):
        account = parameter.get("amiAccountId")
        if account is not None and account not in targets:
            raise _combination_error(
                f"{path}.ssmParameterConfigurations[{i}].amiAccountId",
                f"Account '{account}' is not a target account of the distribution for "
                f"Region '{entry['region']}'.",
            )


def _check_distribution(entry: dict[str, Any], path: str, caller: str) -> None:
    if "amiDistributionConfiguration" in entry:
        _check_ami(entry["amiDistributionConfiguration"], f"{path}.amiDistributionConfiguration")
    if "containerDistributionConfiguration" in entry:
        _check_container(
            entry["containerDistributionConfiguration"],
            f"{path}.containerDistributionConfiguration",
        )
    _check_one_per_account(
        entry.get("launchTemplateConfigurations") or [],
        f"{path}.launchTemplateConfigurations",
        "accountId",
        caller,
        "launch template configuration",
    )
    _check_one_per_account(
        entry.get("fastLaunchConfigurations") or [],
        f"{path}.fastLaunchConfigurations",
        "accountId",
        caller,
        "fast launch configuration",
    )
    _check_ssm_accounts(entry, path, caller)


def _check_region(region: str, path: str, home: str) -> None:
    """A Region botocore lists for the caller's partition, or the caller's own.

    Anything else would be stored and only fail when a build tries to reach it.
    """
    if region != home and region not in partition_regions(home):
        raise invalid_value(
            f"{path}.region",
            f"'{region}' is not a Region of the '{partition_of(home)}' partition.",
        )


def _check_distributions(distributions: list[dict[str, Any]], caller: str, home: str) -> None:
    regions: set[str] = set()
    for i, entry in enumerate(distributions):
        path = f"distributions[{i}]"
        _check_region(entry["region"], path, home)
        if entry["region"] in regions:
            raise _combination_error(
                f"{path}.region",
                f"Region '{entry['region']}' appears more than once; a Region can appear at "
                "most once in the list.",
            )
        regions.add(entry["region"])
        _check_distribution(entry, path, caller)


def _check_references(backend: Backend, distributions: list[dict[str, Any]]) -> None:
    """Each Region's container repository, in that Region. An AMI's KMS key is only
    used when a build copies the AMI there, so it is not looked up now."""
    for i, entry in enumerate(distributions):
        container = entry.get("containerDistributionConfiguration")
        if container is not None:
            check_repository(
                backend,
                container["targetRepository"],
                f"distributions[{i}].containerDistributionConfiguration.targetRepository",
                entry["region"],
            )


def _settings(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The configuration a Create or Update describes, once its rules hold."""
    distributions = params.get("distributions") or []
    _check_distributions(distributions, backend.account_id, backend.region)
    _check_references(backend, distributions)
    return {k: v for k, v in params.items() if k not in _NOT_SETTINGS}


_MATCHERS: dict[str, Matcher[DistributionConfiguration]] = {
    "name": field_equals(lambda config: config.name)
}


# -- handlers ------------------------------------------------------------------------------


@OPERATIONS.handles("CreateDistributionConfiguration")
def create_distribution_configuration(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    config = DistributionConfiguration(
        arn=backend.arn("distribution-configuration", slug(params["name"])),
        name=params["name"],
        owner=backend.account_id,
        date_created=backend.now(),
        tags=dict(params.get("tags") or {}),
        settings=_settings(backend, params),
    )
    create(backend, config, params)
    return {"distributionConfigurationArn": config.arn}


@OPERATIONS.handles("GetDistributionConfiguration")
def get_distribution_configuration(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["distributionConfigurationArn"]
    config = backend.get(arn, DistributionConfiguration, "distributionConfigurationArn")
    return {"distributionConfiguration": config.view("DistributionConfiguration")}


@OPERATIONS.handles("UpdateDistributionConfiguration")
def update_distribution_configuration(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["distributionConfigurationArn"]
    config = backend.get(arn, DistributionConfiguration, "distributionConfigurationArn")
    # The model says Update replaces the whole configuration: what the request
    # leaves out is cleared. Tags are not part of it and stay.
    settings = _settings(backend, params)
    check_dry_run(params)
    config.settings = settings
    config.date_updated = backend.now()
    return {"distributionConfigurationArn": arn}


@OPERATIONS.handles("DeleteDistributionConfiguration")
def delete_distribution_configuration(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["distributionConfigurationArn"]
    # Pipelines name the configuration in their references(), so remove() refuses then.
    backend.remove(backend.get(arn, DistributionConfiguration, "distributionConfigurationArn"))
    return {"distributionConfigurationArn": arn}


@OPERATIONS.handles("ListDistributionConfigurations")
def list_distribution_configurations(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return list_page(
        backend,
        "ListDistributionConfigurations",
        backend.store(DistributionConfiguration).ordered,
        params,
        matchers=_MATCHERS,
        sort_key=store_order,
        view="DistributionConfigurationSummary",
        result_key="distributionConfigurationSummaryList",
    )
