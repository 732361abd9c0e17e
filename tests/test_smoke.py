from __future__ import annotations

from typing import Any


def test_infrastructure_configuration_round_trip(imagebuilder_client: Any) -> None:
    arn = imagebuilder_client.create_infrastructure_configuration(
        name="smoke", instanceProfileName="profile"
    )["infrastructureConfigurationArn"]
    got = imagebuilder_client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
    assert got["infrastructureConfiguration"]["name"] == "smoke"
