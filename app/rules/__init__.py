"""Pure decisions: each rule is data evaluated by one function, shared by screens, API, jobs and exports."""
