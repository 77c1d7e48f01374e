Feature: release with out of order guardrails

  Scenario:
    Given releaser executed prepare-release job with `v0.30`
    Then release PR is created
    And release PR cannot be merged cause not approved
    And release PR cannot be merged cause not released

    When releaser approves it
    Then release workflow starts
    And release PR cannot be merged as not yet release workflow ended

    When release workflow ends
    Then release PR is merged by release bot
