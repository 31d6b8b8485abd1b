using Microsoft.AspNetCore.Identity;
using Shelfbook.Kernel;

namespace Shelfbook.Platform.Identity;

public static class IdentityRejection
{
    /// <summary>
    /// Identity's errors as field errors: password rules on the password field, the rest on the login field. Codes are
    /// <c>identity.&lt;IdentityCode&gt;</c> and carry the required length, which the translations show.
    /// </summary>
    public static ShelfbookException From(IdentityResult result, string loginField, string passwordField, int requiredLength)
    {
        // Two people saved the same user at once: not the input's fault, so not a 400.
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            return new RuleViolatedException("conflict.concurrent_change", "Someone else changed this at the same moment; reload and try again.");
        // A login taken by a concurrent request surfaces as DuplicateUserName on the login field.
        return new InputRejectedException(result.Errors.Select(e => new FieldError(
            e.Code.StartsWith("Password", StringComparison.Ordinal) ? passwordField : loginField,
            "identity." + e.Code, e.Description, requiredLength)).ToArray());
    }
}
