"""imagebuilder-mock at work: an infrastructure configuration created, listed, updated, printed.

Run: ``python examples/quickstart.py`` (no AWS account, credentials or network needed).
"""

from __future__ import annotations

import json

import boto3

from imagebuilder_mock import mock_imagebuilder


def main() -> None:
    with mock_imagebuilder() as ib:
        client = boto3.client("imagebuilder", region_name="us-east-1")

        arn = client.create_infrastructure_configuration(
            name="quickstart-builders",
            instanceProfileName="EC2InstanceProfileForImageBuilder",
            instanceTypes=["m5.large"],
            tags={"team": "platform"},
        )["infrastructureConfigurationArn"]
        print("created:", arn)

        listed = client.list_infrastructure_configurations()
        names = [s["name"] for s in listed["infrastructureConfigurationSummaryList"]]
        print("listed: ", names)

        # Updates replace the whole configuration; tags are kept.
        client.update_infrastructure_configuration(
            infrastructureConfigurationArn=arn,
            instanceProfileName="EC2InstanceProfileForImageBuilder",
            instanceTypes=["m5.large", "m5.xlarge"],
            description="Builds run on m5 instances",
        )
        config = client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
        print("updated:", json.dumps(config["infrastructureConfiguration"], indent=2))
        print(f"{len(ib.calls)} calls answered in-process, none sent to AWS.")


if __name__ == "__main__":
    main()
