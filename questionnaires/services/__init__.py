"""Writes: the only place that changes state (pretix's services are the model). Each function
runs in one transaction and writes its audit entry through `services.audit`. Views and commands
call these; they never save models themselves.

One import style everywhere: import the module, call through it —

    from questionnaires.services import invitations
    invitations.issue_invitation(episode, Timepoint.T1, actor=user)
"""
