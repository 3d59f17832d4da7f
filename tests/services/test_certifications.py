"""Services and selectors: a firm's certifications, who records and reads them (the rule of a
firm's figures, mirrored), and the counts before and after joining."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from networks import access
from networks.files.uploads import UPLOAD_TYPE_REFUSED
from networks.models import Certification, Membership
from networks.selectors import certifications as C
from networks.services import certifications as S
from tests import factories
from tests.builders import days_ago
from tests.factories import pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def errors(exc_info) -> dict:
    return {k: [str(m) for m in v] for k, v in exc_info.value.message_dict.items()}


def test_the_facilitator_records_a_certificate_for_the_network_with_evidence(
    network, member_firm, facilitator
):
    row = S.certification_record(
        firm=member_firm, actor=facilitator, standard=" ISO 9001 ", certifier="Bureau Veritas",
        status="certified", started_on=days_ago(300), certified_on=days_ago(10),
        evidence=pdf("certificate.pdf"),
    )  # fmt: skip
    row = Certification.objects.get(pk=row.pk)
    assert (row.network, row.standard, row.status, row.recorded_by) == (
        network, "ISO 9001", "certified", facilitator,
    )  # fmt: skip
    assert (row.evidence_name, row.evidence_type) == ("certificate.pdf", "application/pdf")
    assert row.evidence.read().startswith(b"%PDF-")


def test_certified_needs_its_date_and_dates_follow_each_other(member_firm, facilitator):
    with pytest.raises(ValidationError) as exc:
        S.certification_record(
            firm=member_firm, actor=facilitator, standard="GMP", status="certified"
        )
    assert errors(exc) == {"certified_on": [str(S.CERTIFICATION_DATE_REQUIRED)]}
    with pytest.raises(ValidationError) as exc:
        S.certification_record(
            firm=member_firm, actor=facilitator, standard="GMP", status="audited",
            started_on=days_ago(5), audited_on=days_ago(50),
        )  # fmt: skip
    assert errors(exc) == {"certified_on": [str(S.CERTIFICATION_DATES_ORDER)]}
    assert not Certification.objects.exists()


def test_evidence_is_checked_by_its_content(member_firm, facilitator):
    fake = SimpleUploadedFile("cert.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        S.certification_record(firm=member_firm, actor=facilitator, standard="GMP", evidence=fake)
    assert errors(exc) == {"evidence": [str(UPLOAD_TYPE_REFUSED)]}
    assert not Certification.objects.exists()


def test_another_member_firm_and_outsiders_may_not_record(
    network, member_firm, outsider_facilitator, outsider_officer
):
    neighbour = factories.FirmMemberFactory(firm=factories.MembershipFactory(network=network).firm)
    for user in (neighbour, outsider_facilitator, outsider_officer):
        with pytest.raises(PermissionDenied):
            S.certification_record(firm=member_firm, actor=user, standard="GMP")
    assert not Certification.objects.exists()


def test_the_firms_own_record_is_read_by_its_network_only_when_it_shares(
    network, member_firm, firm_user, facilitator, officer
):
    own = S.certification_record(
        firm=member_firm, actor=firm_user, standard="ISO 14001", network=None
    )
    assert own.network is None
    for reader in (facilitator, officer):
        assert not access.readable_certifications(reader).filter(pk=own.pk).exists()
    Membership.objects.filter(firm=member_firm).update(shares_figures=True)
    for reader in (facilitator, officer):
        assert access.readable_certifications(reader).filter(pk=own.pk).exists()
        # Read, but not corrected: it is the firm's own record.
        with pytest.raises(PermissionDenied):
            S.certification_update(certification=own, actor=reader, status="audited")


def test_a_row_recorded_for_one_network_is_not_read_by_another_agency(
    network, member_firm, facilitator, other_network, outsider_officer, outsider_facilitator
):
    factories.MembershipFactory(network=other_network, firm=member_firm)
    row = S.certification_record(firm=member_firm, actor=facilitator, standard="GMP")
    assert row.network == network
    for reader in (outsider_officer, outsider_facilitator):
        assert not access.readable_certifications(reader).filter(pk=row.pk).exists()
    neighbour = factories.FirmMemberFactory(firm=factories.MembershipFactory(network=network).firm)
    assert not access.readable_certifications(neighbour).exists()


def test_moving_along_and_replacing_the_evidence(member_firm, facilitator):
    row = S.certification_record(
        firm=member_firm, actor=facilitator, standard="GMP", evidence=pdf("plan.pdf")
    )
    old_name = row.evidence.name
    row = S.certification_update(
        certification=row, actor=facilitator, status="certified",
        certified_on=days_ago(1), evidence=pdf("certificate.pdf"),
    )  # fmt: skip
    row.refresh_from_db()
    assert (row.status, row.certified_on, row.evidence_name) == (
        "certified", days_ago(1), "certificate.pdf",
    )  # fmt: skip
    assert row.evidence.name != old_name


def test_counts_before_and_after_joining(network, facilitator):
    joined = days_ago(400)
    firms = factories.FirmFactory.create_batch(4)
    for firm in firms:
        factories.MembershipFactory(network=network, firm=firm, joined_on=joined)
    before, after, lapsed, preparing = firms
    S.certification_record(
        firm=before, actor=facilitator, standard="ISO 9001", status="certified",
        certified_on=joined - datetime.timedelta(days=30),
    )  # fmt: skip
    S.certification_record(
        firm=after, actor=facilitator, standard="GMP", status="certified",
        certified_on=days_ago(20),
    )  # fmt: skip
    S.certification_record(
        firm=lapsed, actor=facilitator, standard="GMP", status="lapsed",
        certified_on=joined - datetime.timedelta(days=300), expires_on=days_ago(100),
    )  # fmt: skip
    S.certification_record(firm=preparing, actor=facilitator, standard="ISO 9001")
    counts = C.network_counts(network)
    assert (counts.members, counts.at_joining, counts.now, counts.gained) == (4, 2, 2, 0)
    assert C.portfolio_counts(type(network).objects.filter(pk=network.pk)) == counts


def test_counts_read_only_the_rows_the_network_may_read(
    network, member_firm, other_network, outsider_facilitator
):
    """A certificate recorded for another agency's network is not counted here unless the
    firm shares its figures with this network."""
    factories.MembershipFactory(network=other_network, firm=member_firm)
    S.certification_record(
        firm=member_firm, actor=outsider_facilitator, standard="GMP", status="certified",
        certified_on=days_ago(3),
    )  # fmt: skip
    assert C.network_counts(network).now == 0
    Membership.objects.filter(network=network, firm=member_firm).update(shares_figures=True)
    assert C.network_counts(network).now == 1
