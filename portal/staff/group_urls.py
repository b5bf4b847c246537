from django.urls import path

from portal.staff import group_views, match_views

app_name = "groups"

urlpatterns = [
    path("", group_views.group_list, name="list"),
    path("new", group_views.group_new, name="new"),
    path("<uuid:group_id>", group_views.group_detail, name="detail"),
    path("<uuid:group_id>/edit", group_views.group_edit, name="edit"),
    path("<uuid:group_id>/roster", group_views.group_roster, name="roster"),
    path("<uuid:group_id>/collections", group_views.collection_open, name="open"),
    path(
        "<uuid:group_id>/collections/<uuid:collection_id>/close",
        group_views.collection_close,
        name="close",
    ),
    path(
        "<uuid:group_id>/collections/<uuid:collection_id>/rotate",
        group_views.collection_rotate,
        name="rotate",
    ),
    path("<uuid:group_id>/room/<uuid:collection_id>", group_views.collection_room, name="room"),
    path(
        "<uuid:group_id>/poster/<uuid:collection_id>", group_views.collection_poster, name="poster"
    ),
    path(
        "<uuid:group_id>/parents/<uuid:participant_id>/remove",
        group_views.join_remove,
        name="remove_join",
    ),
    path("<uuid:group_id>/matches", match_views.match_list, name="matches"),
    path(
        "<uuid:group_id>/matches/<uuid:review_id>/remove",
        match_views.match_remove,
        name="match_remove",
    ),
    path(
        "<uuid:group_id>/matches/<uuid:review_id>/confirm",
        match_views.match_confirm,
        name="match_confirm",
    ),
    path(
        "<uuid:group_id>/matches/<uuid:review_id>/reject",
        match_views.match_reject,
        name="match_reject",
    ),
]
