"""Every operation of the model, answered successfully and checked against its output shape.

One account's whole Image Builder life in a single test: each of the model's
operations is called at least once with a successful answer while response
checking is on (conftest), so every success response shape is validated.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import botocore.session
import pytest
from builders import COMPONENT_DOCUMENT, aws_image

from imagebuilder_mock import ImageBuilderMock

REGION = "us-east-1"
ACCOUNT = "123456789012"

WAITING_WORKFLOW = """\
name: approval
schemaVersion: 1.0
steps:
  - name: LaunchBuildInstance
    action: LaunchInstance
    onFailure: Abort
  - name: Approve
    action: WaitForAction
    onFailure: Abort
  - name: TerminateBuildInstance
    action: TerminateInstance
    onFailure: Continue
    inputs:
      instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
"""

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]},
                "Action": ["imagebuilder:GetComponent", "imagebuilder:GetImage"],
                "Resource": "*",
            }
        ],
    }
)


def model_operations() -> set[str]:
    model = botocore.session.get_session().get_service_model("imagebuilder")
    return set(model.operation_names)


@pytest.mark.imagebuilder(progression="manual")
def test_every_operation_answers_with_its_output_shape(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    c = imagebuilder_client
    ib = imagebuilder_mock
    ib.set_time(dt.datetime(2026, 5, 4, 8, 0))

    # Building blocks.
    component = c.create_component(
        name="nginx", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DOCUMENT
    )["componentBuildVersionArn"]
    imported = c.import_component(
        name="motd",
        semanticVersion="1.0.0",
        type="BUILD",
        format="SHELL",
        platform="Linux",
        data="echo welcome > /etc/motd",
    )["componentBuildVersionArn"]
    c.get_component(componentBuildVersionArn=component.rsplit("/", 2)[0] + "/x.x.x")
    c.list_components()
    c.list_component_build_versions(componentVersionArn=component.rsplit("/", 1)[0])

    workflow = c.create_workflow(
        name="approval", semanticVersion="1.0.0", type="BUILD", data=WAITING_WORKFLOW
    )["workflowBuildVersionArn"]
    c.get_workflow(workflowBuildVersionArn=workflow)
    c.list_workflows()
    c.list_workflow_build_versions(workflowVersionArn=workflow.rsplit("/", 1)[0])

    recipe = c.create_image_recipe(
        name="web",
        semanticVersion="1.0.0",
        components=[{"componentArn": component}, {"componentArn": imported}],
        parentImage=aws_image(REGION),
    )["imageRecipeArn"]
    c.get_image_recipe(imageRecipeArn=recipe)
    c.list_image_recipes()
    container_recipe = c.create_container_recipe(
        containerType="DOCKER",
        name="api",
        semanticVersion="1.0.0",
        components=[{"componentArn": component}],
        parentImage="amazonlinux:latest",
        targetRepository={"service": "ECR", "repositoryName": "api"},
        dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}\n",
    )["containerRecipeArn"]
    c.get_container_recipe(containerRecipeArn=container_recipe)
    c.list_container_recipes()

    infrastructure = c.create_infrastructure_configuration(
        name="builders", instanceProfileName="EC2InstanceProfileForImageBuilder"
    )["infrastructureConfigurationArn"]
    c.update_infrastructure_configuration(
        infrastructureConfigurationArn=infrastructure, instanceProfileName="builders-v2"
    )
    c.get_infrastructure_configuration(infrastructureConfigurationArn=infrastructure)
    c.list_infrastructure_configurations()
    distribution = c.create_distribution_configuration(
        name="regions", distributions=[{"region": REGION}, {"region": "eu-west-1"}]
    )["distributionConfigurationArn"]
    c.update_distribution_configuration(
        distributionConfigurationArn=distribution, distributions=[{"region": REGION}]
    )
    c.get_distribution_configuration(distributionConfigurationArn=distribution)
    c.list_distribution_configurations()

    # Policies and tags.
    c.put_component_policy(componentArn=component, policy=POLICY)
    c.get_component_policy(componentArn=component)
    c.put_image_recipe_policy(imageRecipeArn=recipe, policy=POLICY)
    c.get_image_recipe_policy(imageRecipeArn=recipe)
    c.put_container_recipe_policy(containerRecipeArn=container_recipe, policy=POLICY)
    c.get_container_recipe_policy(containerRecipeArn=container_recipe)
    c.tag_resource(resourceArn=recipe, tags={"team": "web"})
    c.untag_resource(resourceArn=recipe, tagKeys=["team"])
    c.list_tags_for_resource(resourceArn=recipe)

    # A pipeline and its builds.
    pipeline = c.create_image_pipeline(
        name="web-pipeline",
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infrastructure,
        distributionConfigurationArn=distribution,
        schedule={"scheduleExpression": "cron(0 6 * * ? *)"},
    )["imagePipelineArn"]
    c.update_image_pipeline(
        imagePipelineArn=pipeline,
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infrastructure,
        description="nightly web image",
    )
    c.get_image_pipeline(imagePipelineArn=pipeline)
    c.list_image_pipelines()
    built = c.start_image_pipeline_execution(imagePipelineArn=pipeline)["imageBuildVersionArn"]
    ib.advance(built, to="AVAILABLE")
    c.list_image_pipeline_images(imagePipelineArn=pipeline)

    gated = c.create_image(
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infrastructure,
        workflows=[{"workflowArn": workflow}],
    )["imageBuildVersionArn"]
    ib.advance(gated, to="BUILDING")
    (waiting,) = c.list_waiting_workflow_steps()["steps"]
    c.send_workflow_step_action(
        stepExecutionId=waiting["stepExecutionId"], imageBuildVersionArn=gated, action="RESUME"
    )
    (execution,) = c.list_workflow_executions(imageBuildVersionArn=gated)["workflowExecutions"]
    c.get_workflow_execution(workflowExecutionId=execution["workflowExecutionId"])
    steps = c.list_workflow_step_executions(workflowExecutionId=execution["workflowExecutionId"])
    c.get_workflow_step_execution(stepExecutionId=steps["steps"][0]["stepExecutionId"])

    # RetryImage is for AMI images only.
    cancelled = c.create_image(
        imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure
    )["imageBuildVersionArn"]
    c.cancel_image_creation(imageBuildVersionArn=cancelled)
    c.retry_image(imageBuildVersionArn=cancelled)
    ib.finish_builds()

    c.get_image(imageBuildVersionArn=built)
    c.list_images()
    c.list_image_build_versions(imageVersionArn=built.rsplit("/", 1)[0])
    c.list_image_packages(imageBuildVersionArn=built)
    c.put_image_policy(imageArn=built, policy=POLICY)
    c.get_image_policy(imageArn=built)

    vm = c.import_vm_image(
        name="legacy", semanticVersion="1.0.0", platform="Linux", vmImportTaskId="import-ami-0abc"
    )["imageArn"]
    disk = c.import_disk_image(
        name="iso",
        semanticVersion="1.0.0",
        platform="Windows",
        osVersion="Microsoft Windows Server 2022",
        infrastructureConfigurationArn=infrastructure,
        uri="s3://isos/server.iso",
    )["imageBuildVersionArn"]
    distributed = c.distribute_image(
        sourceImage=built, distributionConfigurationArn=distribution, executionRole="Distributor"
    )["imageBuildVersionArn"]
    ib.finish_builds()

    # Scans and Marketplace.
    ib.add_scan_finding(severity="HIGH", imageBuildVersionArn=built, vulnerabilityId="CVE-2026-1")
    c.list_image_scan_findings()
    c.list_image_scan_finding_aggregations()
    c.get_marketplace_resource(
        resourceType="COMPONENT_DATA",
        resourceArn=c.list_components(owner="AWSMarketplace")["componentVersionList"][0]["arn"]
        + "/1",
    )

    # Lifecycle.
    policy = c.create_lifecycle_policy(
        name="retention",
        executionRole="arn:aws:iam::123456789012:role/Lifecycle",
        resourceType="AMI_IMAGE",
        policyDetails=[
            {"action": {"type": "DELETE"}, "filter": {"type": "COUNT", "value": 1}},
        ],
        resourceSelection={"recipes": [{"name": "web", "semanticVersion": "1.0.0"}]},
    )["lifecyclePolicyArn"]
    c.update_lifecycle_policy(
        lifecyclePolicyArn=policy,
        executionRole="arn:aws:iam::123456789012:role/Lifecycle",
        resourceType="AMI_IMAGE",
        policyDetails=[
            {"action": {"type": "DELETE"}, "filter": {"type": "COUNT", "value": 2}},
        ],
        resourceSelection={"recipes": [{"name": "web", "semanticVersion": "1.0.0"}]},
    )
    c.get_lifecycle_policy(lifecyclePolicyArn=policy)
    c.list_lifecycle_policies()
    (run,) = ib.run_lifecycle_policies(policy)
    c.get_lifecycle_execution(lifecycleExecutionId=run)
    c.list_lifecycle_executions(resourceArn=policy)
    c.list_lifecycle_execution_resources(lifecycleExecutionId=run)
    planned = c.start_resource_state_update(
        resourceArn=vm,
        state={"status": "DEPRECATED"},
        updateAt=ib.now() + dt.timedelta(days=7),
    )["lifecycleExecutionId"]
    c.cancel_lifecycle_execution(lifecycleExecutionId=planned)

    # Clean-up, dependents first.
    c.delete_image(imageBuildVersionArn=disk)
    c.delete_image(imageBuildVersionArn=distributed)
    c.delete_image_pipeline(imagePipelineArn=pipeline)
    c.delete_lifecycle_policy(lifecyclePolicyArn=policy)
    c.delete_image_recipe(imageRecipeArn=recipe)
    c.delete_container_recipe(containerRecipeArn=container_recipe)
    c.delete_infrastructure_configuration(infrastructureConfigurationArn=infrastructure)
    c.delete_distribution_configuration(distributionConfigurationArn=distribution)
    c.delete_workflow(workflowBuildVersionArn=workflow)
    c.delete_component(componentBuildVersionArn=imported)

    answered = {call.operation for call in ib.calls if call.status == 200}
    assert model_operations() - answered == set()
    assert ACCOUNT in {call.account_id for call in ib.calls}
