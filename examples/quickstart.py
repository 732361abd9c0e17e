"""imagebuilder-mock at work: a whole image pipeline run, in-process.

A component, a recipe on the AWS-managed Amazon Linux 2023 image, infrastructure
and distribution configurations, a pipeline; then a run, polled the way a
Lambda would poll it until the image is AVAILABLE, and the AMIs it left in
each region.

Run: ``python examples/quickstart.py`` (no AWS account, credentials or network needed).
"""

from __future__ import annotations

import time

import boto3

from imagebuilder_mock import mock_imagebuilder

REGION = "us-east-1"
# A bound on the polling loop, so that a build that never finishes stops the run.
MAX_POLLS = 100

NGINX = """\
name: InstallNginx
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Install
        action: ExecuteBash
        inputs:
          commands:
            - sudo dnf install -y nginx
  - name: validate
    steps:
      - name: Check
        action: ExecuteBash
        inputs:
          commands:
            - nginx -v
"""


def main() -> None:
    with mock_imagebuilder() as ib:
        client = boto3.client("imagebuilder", region_name=REGION)

        component = client.create_component(
            name="nginx", semanticVersion="1.0.0", platform="Linux", data=NGINX
        )["componentBuildVersionArn"]
        print("component:      ", component)

        recipe = client.create_image_recipe(
            name="web-server",
            semanticVersion="1.0.0",
            parentImage=f"arn:aws:imagebuilder:{REGION}:aws:image/amazon-linux-2023-x86/x.x.x",
            components=[
                {"componentArn": f"arn:aws:imagebuilder:{REGION}:aws:component/update-linux/x.x.x"},
                {"componentArn": component},
            ],
        )["imageRecipeArn"]
        print("recipe:         ", recipe)

        infrastructure = client.create_infrastructure_configuration(
            name="web-builders",
            instanceProfileName="EC2InstanceProfileForImageBuilder",
            instanceTypes=["m5.large"],
        )["infrastructureConfigurationArn"]
        distribution = client.create_distribution_configuration(
            name="web-regions",
            distributions=[
                {
                    "region": region,
                    "amiDistributionConfiguration": {
                        "name": "web-server {{imagebuilder:buildDate}}"
                    },
                }
                for region in (REGION, "eu-west-1")
            ],
        )["distributionConfigurationArn"]
        pipeline = client.create_image_pipeline(
            name="web-server-pipeline",
            imageRecipeArn=recipe,
            infrastructureConfigurationArn=infrastructure,
            distributionConfigurationArn=distribution,
            schedule={"scheduleExpression": "cron(0 6 ? * MON *)", "timezone": "Europe/Paris"},
        )["imagePipelineArn"]
        print("pipeline:       ", pipeline)
        next_run = client.get_image_pipeline(imagePipelineArn=pipeline)["imagePipeline"]
        print("next scheduled: ", next_run.get("dateNextRun"))

        image_arn = client.start_image_pipeline_execution(imagePipelineArn=pipeline)[
            "imageBuildVersionArn"
        ]
        print("started build:  ", image_arn)

        # The polling loop of a real deployment; the mock moves the image one
        # status per look, so it finishes at once (the sleep is kept short here).
        for _ in range(MAX_POLLS):
            image = client.get_image(imageBuildVersionArn=image_arn)["image"]
            status = image["state"]["status"]
            print("  status:       ", status)
            if status in ("AVAILABLE", "FAILED", "CANCELLED"):
                break
            time.sleep(0.01)
        else:
            raise SystemExit(f"{image_arn} is still {status} after {MAX_POLLS} polls")

        for ami in image["outputResources"]["amis"]:
            print(f"AMI in {ami['region']:<10} {ami['image']}  {ami['name']}")
        runs = client.list_workflow_executions(imageBuildVersionArn=image_arn)
        for run in runs["workflowExecutions"]:
            print(f"workflow {run['type']:<5} {run['status']:<10} {run['totalStepCount']} steps")
        print(f"{len(ib.calls)} calls answered in-process, none sent to AWS.")


if __name__ == "__main__":
    main()
