from django.urls import path

from portal.staff import groups

app_name = "groups"

urlpatterns = [
    path("", groups.group_list, name="list"),
    path("new", groups.group_new, name="new"),
    path("<uuid:group_id>", groups.group_detail, name="detail"),
    path("<uuid:group_id>/edit", groups.group_edit, name="edit"),
    path("<uuid:group_id>/roster", groups.group_roster, name="roster"),
    path("<uuid:group_id>/collections", groups.collection_open, name="open"),
    path(
        "<uuid:group_id>/collections/<uuid:collection_id>/close",
        groups.collection_close,
        name="close",
    ),
    path(
        "<uuid:group_id>/collections/<uuid:collection_id>/rotate",
        groups.collection_rotate,
        name="rotate",
    ),
    path("<uuid:group_id>/room/<uuid:collection_id>", groups.collection_room, name="room"),
    path("<uuid:group_id>/poster/<uuid:collection_id>", groups.collection_poster, name="poster"),
    path("<uuid:group_id>/matches", groups.match_list, name="matches"),
    path(
        "<uuid:group_id>/matches/<uuid:review_id>/confirm",
        groups.match_confirm,
        name="match_confirm",
    ),
    path(
        "<uuid:group_id>/matches/<uuid:review_id>/reject",
        groups.match_reject,
        name="match_reject",
    ),
]
