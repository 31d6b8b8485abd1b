using Microsoft.AspNetCore.Identity;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access.Features.ChangeOwnPassword;

public sealed record OwnPasswordInput(string? CurrentPassword, string? NewPassword);

/// <summary>
/// Every signed-in user changes their own password (修改密码) by giving the current one. The security stamp changes,
/// so the user's other sessions end at their next validation; API tokens keep working (they are revoked separately).
/// </summary>
public sealed class ChangeOwnPassword(UserManager<ShelfbookUser> users, CurrentUser current)
{
    public async Task ChangeAsync(OwnPasswordInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        if (string.IsNullOrEmpty(input.CurrentPassword)) check.Add("currentPassword", "required", "currentPassword is required.");
        if (string.IsNullOrEmpty(input.NewPassword)) check.Add("newPassword", "required", "newPassword is required.");
        check.ThrowIfAny();

        var user = await users.FindByIdAsync((current.UserId ?? throw new UnauthorizedAccessException()).ToString())
                   ?? throw new UnauthorizedAccessException();
        AuditRecorder.Describe(user, "change_password");
        var result = await users.ChangePasswordAsync(user, input.CurrentPassword!, input.NewPassword!);
        if (result.Succeeded) return;
        // A wrong current password is Identity's PasswordMismatch: it belongs on the current-password field.
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
            throw new InputRejectedException("currentPassword", "wrong_password", "The current password is not correct.");
        throw IdentityRejection.From(result, "currentPassword", "newPassword", users.Options.Password.RequiredLength);
    }
}
