Feature: can build non-release branches without changing the flow nor overhead
  Background:
    Given weave-gitops main merges are protected with `build` status check
    And weave-gitops main merges are protected with `release` status check

  Scenario: current flow
    Given a non release pr
    When build
    Then CI workflow  passes
    And I could merge
