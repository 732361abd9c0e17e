"""The pytest plugin, run the way a user's suite runs it (pytester is on via addopts)."""

from __future__ import annotations

import pytest


def _run(pytester: pytest.Pytester, source: str, passed: int) -> None:
    pytester.makepyfile(source)
    result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(passed=passed)


def test_fixtures_serve_a_client_and_its_controller(pytester: pytest.Pytester) -> None:
    _run(
        pytester,
        """
        def test_create(imagebuilder_client, imagebuilder_mock):
            arn = imagebuilder_client.create_infrastructure_configuration(
                name="fixture", instanceProfileName="p"
            )["infrastructureConfigurationArn"]
            assert imagebuilder_mock.active
            assert arn == (
                "arn:aws:imagebuilder:us-east-1:123456789012:"
                "infrastructure-configuration/fixture"
            )
            assert list(imagebuilder_mock.backend().resources) == [arn]
            assert imagebuilder_client.meta.region_name == imagebuilder_mock.region
        """,
        passed=1,
    )


def test_each_test_starts_with_fresh_state(pytester: pytest.Pytester) -> None:
    _run(
        pytester,
        """
        import pytest

        @pytest.mark.parametrize("round", [1, 2])
        def test_same_name_twice(imagebuilder_client, round):
            imagebuilder_client.create_infrastructure_configuration(
                name="again", instanceProfileName="p"
            )
            listed = imagebuilder_client.list_infrastructure_configurations()
            assert len(listed["infrastructureConfigurationSummaryList"]) == 1

        def test_nothing_left_active():
            from imagebuilder_mock import mock_imagebuilder
            assert not mock_imagebuilder.active
            from imagebuilder_mock._interception import _Active
            assert _Active.service is None
        """,
        passed=3,
    )


def test_marker_options(pytester: pytest.Pytester) -> None:
    _run(
        pytester,
        """
        import pytest

        @pytest.mark.imagebuilder(account_id="111122223333", region="eu-west-1")
        def test_marked(imagebuilder_client, imagebuilder_mock):
            assert imagebuilder_mock.account_id == "111122223333"
            assert imagebuilder_client.meta.region_name == "eu-west-1"
            arn = imagebuilder_client.create_infrastructure_configuration(
                name="marked", instanceProfileName="p"
            )["infrastructureConfigurationArn"]
            assert arn.startswith("arn:aws:imagebuilder:eu-west-1:111122223333:")
        """,
        passed=1,
    )


def test_closest_marker_wins(pytester: pytest.Pytester) -> None:
    _run(
        pytester,
        """
        import pytest

        pytestmark = pytest.mark.imagebuilder(region="ap-south-1", account_id="111111111111")

        @pytest.mark.imagebuilder(region="eu-north-1")
        class TestRegion:
            def test_class_marker(self, imagebuilder_mock):
                assert imagebuilder_mock.region == "eu-north-1"
                assert imagebuilder_mock.account_id == "111111111111"

            @pytest.mark.imagebuilder(region="sa-east-1")
            def test_function_marker(self, imagebuilder_mock):
                assert imagebuilder_mock.region == "sa-east-1"

        def test_module_marker(imagebuilder_mock):
            assert imagebuilder_mock.region == "ap-south-1"
        """,
        passed=3,
    )


def test_response_checking_option(pytester: pytest.Pytester) -> None:
    _run(
        pytester,
        """
        import pytest

        @pytest.mark.imagebuilder(check_responses=True)
        def test_checked(imagebuilder_mock):
            assert imagebuilder_mock.service.check_responses
        """,
        passed=1,
    )


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.imagebuilder(*options of the imagebuilder_mock*"])
