"""The broker's list of clients by readiness: its own clients only, least prepared first."""


def test_it_lists_the_broker_s_clients_least_prepared_first(
    client_for, broker, company, policy, other_company, other_policy
):
    response = client_for(broker).get("/clients/preparation/")
    assert response.status_code == 200
    assert company.name in response.text
    assert other_company.name not in response.text
    assert f"/clients/{company.pk}/preparation/" in response.text


def test_a_company_manager_sees_no_client(client_for, manager, company, policy):
    response = client_for(manager).get("/clients/preparation/")
    assert response.status_code == 200
    assert "Aucun client." in response.text


def test_the_broker_home_links_to_it(client_for, broker):
    assert "/clients/preparation/" in client_for(broker).get("/courtier/").text
