"""Portal account pages: accepting an invitation, the person inviting someone they share with,
the optional one-time-code second factor (setting it up, and the code step of signing in),
passwords (a link for a new one when it is forgotten, and changing it), and signing in with NHS
login. Thin: read, validate a form, call one service."""

from __future__ import annotations

import logging
from typing import Any

from authlib.common.errors import AuthlibBaseError
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash, user_login_failed
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc.errors import JoseError
from requests import RequestException

from ourplan.accounts.models import User
from ourplan.accounts.services import user_logged_in
from ourplan.accounts.views import locked_out
from ourplan.core.audit import audit_record
from ourplan.core.errors import NotFound
from ourplan.core.views_helpers import call_service, form_page, signed_in_user
from ourplan.people import selectors as people
from ourplan.portal import nhs_login, passwords, second_factor
from ourplan.portal.forms_accounts import (
    AcceptForm,
    CircleInviteForm,
    CodeForm,
    ForgottenPasswordForm,
    NewPasswordForm,
    PasswordChangeForm,
)
from ourplan.portal.invitations import (
    WHAT_IT_LETS_THEM_DO,
    InvitationUnusable,
    NewAccount,
    invitation_accept,
    invitation_accept_by_identity,
    invitation_for_link,
    invitation_send,
    invitation_withdraw,
)
from ourplan.portal.middleware import keep_alive, seconds_left, working_day_restart
from ourplan.portal.models import Capacity, Invitation

log = logging.getLogger(__name__)

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
INVITATION_SESSION_KEY = "portal_invitation_token"
# Expired, used and withdrawn links are gone for good; an unknown one is a bad request.
UNUSABLE_STATUS = {"expired": 410, "used": 410, "withdrawn": 410, "unknown": 400, "staff": 400}


def _unusable(request: HttpRequest, refused: InvitationUnusable) -> HttpResponse:
    return render(request, "portal/accounts/invitation_unusable.jinja", {
        "reason": refused.reason, "message": refused.message, "invitation": refused.invitation,
    }, status=UNUSABLE_STATUS.get(refused.reason, 400))


def _signed_in(request: HttpRequest, user: User, *, method: str) -> HttpResponse:
    login(request, user, backend=PASSWORD_BACKEND)
    user_logged_in(user=user, method=method)
    return redirect("portal:home")


def _what(invitation: Invitation) -> str:
    return WHAT_IT_LETS_THEM_DO[Capacity(invitation.capacity)].format(
        name=invitation.person.full_name)


def _known_about(invitation: Invitation) -> dict[str, str]:
    """What the invitation already says about who is accepting it, to save typing it again."""
    initial = {"email": invitation.email}
    if invitation.capacity == Capacity.SELF:
        initial |= {"given_name": invitation.person.given_name,
                    "family_name": invitation.person.family_name}
    elif invitation.contact is not None:
        given, _, family = invitation.contact.name.strip().rpartition(" ")
        initial |= {"given_name": given, "family_name": family} if given else {}
    return initial


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: who invited them and to whose plan, and a form to
    make an account (or, already signed in to a portal account, to add this plan to it)."""
    try:
        invitation = invitation_for_link(token, user=request.user)
    except InvitationUnusable as refused:
        return _unusable(request, refused)
    user = signed_in_user(request)
    signed_in = user.is_authenticated
    form = AcceptForm(request.POST if request.method == "POST" and not signed_in else None,
                      initial=_known_about(invitation))
    if request.method == "POST":
        try:
            if signed_in:
                invitation_accept(raw_token=token, user=user)
                messages.success(request, f"You can now see {invitation.person.full_name}'s "
                                          "plan")
                return redirect("portal:home")
            if form.is_valid():
                data = form.cleaned_data
                access = call_service(
                    form, invitation_accept, raw_token=token,
                    account=NewAccount(given_name=data["given_name"],
                                       family_name=data["family_name"], email=data["email"],
                                       password=data["password"]))
                if access is not None:
                    return _signed_in(request, access.user, method="invitation")
        except InvitationUnusable as refused:
            return _unusable(request, refused)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return render(request, "portal/accounts/accept.jinja", {
        "invitation": invitation, "form": form, "token": token, "signed_in": signed_in,
        "what": _what(invitation),
        "nhs_login": nhs_login.is_enabled() and invitation.capacity == Capacity.SELF,
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def invite_circle(request: HttpRequest, person_id: Any, contact_id: Any) -> HttpResponse:
    """The person (or whoever may share for them) invites someone they share their plan with."""
    user = signed_in_user(request)
    try:
        person = people.person_get(user=user, person_id=person_id, purpose="invite_circle")
        if not user.has_perm("portal.share", person):
            raise NotFound()
        contact = people.personal_contact_get(user=user, person=person, contact_id=contact_id)
    except NotFound as error:
        raise Http404 from error
    form = CircleInviteForm(request.POST if request.method == "POST" else None,
                            initial={"email": contact.email})
    return form_page(
        request, form, template="portal/accounts/invite_circle.jinja",
        context={"person": person, "contact": contact,
                 "days": settings.PORTAL_INVITATION_DAYS},
        save=lambda: invitation_send(actor=user, person=person, capacity=Capacity.CIRCLE,
                                     contact=contact, email=form.cleaned_data["email"]),
        success=lambda sent: f"Invitation sent to {sent[0].email}. The link works for "
                             f"{_days_left(sent[0])} days",
        done=_sharing_url(person),
    )


def _sharing_url(person: Any) -> str:
    return reverse("consent:list", kwargs={"person_id": person.pk})


@login_required
@require_POST
def invite_circle_withdraw(request: HttpRequest, person_id: Any,
                           invitation_id: Any) -> HttpResponse:
    """The person (or whoever may share for them) stops an invitation to someone in their
    circle before it is used, whoever sent it."""
    user = signed_in_user(request)
    try:
        person = people.person_get(user=user, person_id=person_id,
                                   purpose="invite_circle_withdraw")
        if not user.has_perm("portal.share", person):
            raise NotFound()
    except NotFound as error:
        raise Http404 from error
    invitation = person.portal_invitations.filter(pk=invitation_id,
                                                  capacity=Capacity.CIRCLE).first()
    if invitation is None:
        raise Http404
    try:
        invitation_withdraw(actor=user, invitation=invitation)
    except ValidationError as error:  # used, withdrawn or expired meanwhile: say so
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn. The link no "
                                  "longer works")
    return redirect(_sharing_url(person))


def _days_left(invitation: Invitation) -> int:
    return max(1, round((invitation.expires_at - timezone.now()).total_seconds() / 86400))


# How long the session has left, and staying signed in.

@never_cache
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest) -> HttpResponse:
    """For the warning shown before a session ends (WCAG 2.2.1): a portal session for want of
    use, a staff session at the end of its working day. GET says how many seconds are left
    without counting as use; POST ("Stay signed in") restarts the clock. A POST from a page
    without scripts goes back to where it came from."""
    user = request.user
    if request.method == "POST" and user.is_authenticated:
        if getattr(user, "is_portal_user", False):
            keep_alive(request, now_anyway=True)
        else:
            working_day_restart(request)
    left = seconds_left(request)
    if request.method == "POST" and "application/json" not in request.headers.get("Accept", ""):
        back = str(request.POST.get("next", ""))
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = reverse("portal:home")
        return redirect(back)
    return JsonResponse({"seconds_left": left})


# The second factor.

@login_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """Turn the one-time-code second factor on (secret, QR code, confirm with a code) or off
    (with a code)."""
    user = signed_in_user(request)
    device = second_factor.confirmed_device(user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CodeForm(request.POST if action in {"confirm", "remove"} else None)
    pending: TOTPDevice | None = None
    if action == "start" and device is None:
        pending = second_factor.totp_setup_start(user=user)
    elif action == "confirm" and device is None:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if pending is None:
            return redirect("portal_accounts:security")
        if form.is_valid() and call_service(
            form, second_factor.totp_setup_confirm, user=user, device=pending,
            code=form.cleaned_data["code"],
        ) is not None:
            otp_login(request, pending)
            messages.success(request, "Second factor turned on. From now on, you will enter a "
                                      "code from your authenticator app when you sign in")
            return redirect("portal_accounts:security")
    elif action == "remove" and device is not None and form.is_valid():
        removed = call_service(form, second_factor.totp_remove, user=user,
                               code=form.cleaned_data["code"])
        if removed is not None:
            messages.success(request, "Second factor turned off. You will sign in with your "
                                      "password only")
            return redirect("portal_accounts:security")
    context: dict[str, Any] = {"device": device, "pending": pending, "form": form,
                               "action": action}
    if pending is not None:
        context.update(secret=second_factor.secret_in_groups(pending),
                       otpauth=pending.config_url, qr=second_factor.qr_svg(pending))
    return render(request, "portal/accounts/security.jinja", context,
                  status=400 if form.errors else 200)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for an account with a second factor: the password was
    right; they are signed in only once the code is too."""
    pending = second_factor.pending_user(request)
    if pending is None:
        messages.info(request, "Sign in again: the time to enter your code ran out")
        return redirect("accounts:login")
    user, backend, next_url = pending
    credentials = {"username": user.username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        second_factor.pending_clear(request)
        return locked_out(request, credentials)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = call_service(form, second_factor.code_check, user=user,
                              code=form.cleaned_data["code"])
        if device is not None:
            second_factor.pending_clear(request)
            login(request, user, backend=backend or PASSWORD_BACKEND)
            otp_login(request, device)
            user_logged_in(user=user, method="password_and_code")
            return redirect(next_url or ("portal:home" if user.is_portal_user
                                         else "people:caseload"))
        # A wrong code counts towards the lock-out like a wrong password.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if not AxesProxyHandler.is_allowed(request, credentials):
            second_factor.pending_clear(request)
            return locked_out(request, credentials)
    return render(request, "portal/accounts/sign_in_code.jinja", {"form": form},
                  status=400 if form.errors else 200)


# Passwords: a link for a new one when it is forgotten, and changing it while signed in.

@sensitive_post_parameters("email")
@never_cache
@require_http_methods(["GET", "POST"])
def forgotten_password(request: HttpRequest) -> HttpResponse:
    """Ask for a link to set a new password. The answer is the same whether or not an account
    uses the address, so nobody can find out which addresses have one."""
    form = ForgottenPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and call_service(
        form, passwords.password_reset_request, email=form.cleaned_data["email"],
    ) is not None:
        return redirect("portal_accounts:forgotten_password_sent")
    return render(request, "portal/accounts/forgotten_password.jinja", {"form": form},
                  status=400 if form.errors else 200)


@require_GET
def forgotten_password_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accounts/forgotten_password_sent.jinja",
                  {"valid_for": passwords.reset_link_valid_for()})


def _reset_link_unusable(request: HttpRequest, refused: passwords.ResetLinkUnusable
                         ) -> HttpResponse:
    return render(request, "portal/accounts/new_password_unusable.jinja",
                  {"message": refused.message}, status=400)


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def new_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The page the emailed link opens: choose a new password. The link works once."""
    try:
        user = passwords.password_reset_user(uidb64=uidb64, token=token)
    except passwords.ResetLinkUnusable as refused:
        return _reset_link_unusable(request, refused)
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if call_service(form, passwords.password_reset_set, uidb64=uidb64, token=token,
                            password=form.cleaned_data["password"]) is not None:
                return redirect("portal_accounts:new_password_done")
        except passwords.ResetLinkUnusable as refused:
            return _reset_link_unusable(request, refused)
    return render(request, "portal/accounts/new_password.jinja",
                  {"form": form, "username": user.username},
                  status=400 if form.errors else 200)


@require_GET
def new_password_done(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accounts/new_password_done.jinja")


@login_required
@sensitive_post_parameters("current_password", "password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the password, from the security page. This session stays signed in; the
    account's other sessions end."""
    user = signed_in_user(request)
    credentials = {"username": user.username}
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)

    def save() -> User:
        changed = passwords.password_change(
            user=user, current_password=form.cleaned_data["current_password"],
            new_password=form.cleaned_data["password"])
        update_session_auth_hash(request, changed)
        return changed

    response = form_page(
        request, form, template="portal/accounts/password_change.jinja",
        context={"has_password": user.has_usable_password()}, save=save,
        success=lambda _: "Your password has been changed. Anywhere else you were signed in "
                          "has been signed out",
        done=reverse("portal_accounts:security"),
    )
    if "current_password" in form.errors and form.data.get("current_password"):
        # Guessing the current password from a session left open counts towards the lock-out
        # like a wrong password at sign-in; once locked, the session ends.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if not AxesProxyHandler.is_allowed(request, credentials):
            logout(request)
            return locked_out(request, credentials)
    return response


# NHS login.

# What a failed sign-in with NHS login raises: the provider's answer (authlib), a token that does
# not verify (joserfc: signature, nonce, issuer, audience, expiry) or the provider unreachable.
NHS_LOGIN_ERRORS = (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError)

@never_cache
@require_http_methods(["GET", "POST"])
def nhs_login_start(request: HttpRequest) -> HttpResponse:
    """Off to NHS login. From the accept page (a POST with the invitation's link) the
    invitation waits in the session for the callback."""
    if not nhs_login.is_enabled():
        raise Http404
    if request.method == "POST":
        token = request.POST.get("invitation", "")
        try:
            invitation_for_link(token, user=request.user)
        except InvitationUnusable as refused:
            return _unusable(request, refused)
        request.session[INVITATION_SESSION_KEY] = token
    else:
        request.session.pop(INVITATION_SESSION_KEY, None)
    redirect_uri = request.build_absolute_uri(reverse("portal_accounts:nhs_login_callback"))
    try:
        return nhs_login.authorize_redirect(request, redirect_uri)
    except ImproperlyConfigured as error:
        return _nhs_login_misconfigured(request, error)
    except NHS_LOGIN_ERRORS:
        log.warning("NHS login could not be reached", exc_info=True)
        return _nhs_login_failed(request, "unreachable")


def _nhs_login_failed(request: HttpRequest, why: str, status: int = 400) -> HttpResponse:
    audit_record(actor=None, action="user.nhs_login_failed", object_type="nhs_login",
                 changes={"why": why[:200]})
    return render(request, "portal/accounts/nhs_login_failed.jinja", {"why": why},
                  status=status)


def _nhs_login_misconfigured(request: HttpRequest, error: ImproperlyConfigured) -> HttpResponse:
    """Our side of NHS login is set up wrong (say, no private key): the person sees the plain
    page that it did not work, the operators an error in the log (which never quotes the key)."""
    log.error("NHS login is not configured correctly: %s", error)
    return _nhs_login_failed(request, "misconfigured", status=503)


def _nhs_login_not_fully_proven(request: HttpRequest, claims: nhs_login.Claims, *,
                                linked: bool) -> HttpResponse:
    """NHS login has not verified who the person is to P9: nothing is linked nor signed in, and
    the page says what they can do about it."""
    audit_record(actor=None, action="user.nhs_login_refused", object_type="nhs_login",
                 changes={"why": "proofing_level",
                          "identity_proofing_level": claims.identity_proofing_level[:20],
                          "vot": claims.vot[:100], "linked": linked})
    return render(request, "portal/accounts/nhs_login_not_fully_proven.jinja",
                  {"linked": linked}, status=403)


@never_cache
@require_GET
def nhs_login_callback(request: HttpRequest) -> HttpResponse:
    """Back from NHS login: sign in the linked account, or accept the waiting invitation when
    NHS login's NHS number is the invited person's, or say we could not find their plan. Both
    need NHS login to have verified who the person is to P9: below that, its NHS number is not
    vouched for, and a linked account must not be entered on a weaker identity."""
    if not nhs_login.is_enabled():
        raise Http404
    try:
        claims = nhs_login.claims_from_callback(request)
    except ImproperlyConfigured as error:
        return _nhs_login_misconfigured(request, error)
    except NHS_LOGIN_ERRORS as error:
        return _nhs_login_failed(request, type(error).__name__)
    token = request.session.pop(INVITATION_SESSION_KEY, None)
    if not claims.fully_proven:
        linked = nhs_login.linked_identity(claims) is not None
        if linked or token:
            return _nhs_login_not_fully_proven(request, claims, linked=linked)
    user = nhs_login.user_for(claims)
    if user is not None:
        return _signed_in(request, user, method="nhs_login")
    if token:
        try:
            access = invitation_accept_by_identity(
                raw_token=token, issuer=claims.issuer, subject=claims.subject,
                nhs_number=claims.nhs_number, given_name=claims.given_name,
                family_name=claims.family_name, email=claims.email)
        except InvitationUnusable as refused:
            return _unusable(request, refused)
        except ValidationError as error:
            audit_record(actor=None, action="user.nhs_login_refused", object_type="nhs_login",
                         changes={"why": error.messages})
            return render(request, "portal/accounts/nhs_login_refused.jinja",
                          {"messages_list": error.messages}, status=400)
        return _signed_in(request, access.user, method="nhs_login")
    audit_record(actor=None, action="user.nhs_login_unknown", object_type="nhs_login",
                 changes={"issuer": claims.issuer})
    return render(request, "portal/accounts/nhs_login_unknown.jinja", status=404)

