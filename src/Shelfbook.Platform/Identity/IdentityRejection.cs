using Microsoft.AspNetCore.Identity;
using Shelfbook.Kernel;

namespace Shelfbook.Platform.Identity;

public static class IdentityRejection
{
    /// <summary>
    /// Identity's errors as field errors: password rules on the password field, the rest on the login field. Codes are
    /// <c>identity.&lt;IdentityCode&gt;</c> and carry the required length, which the translations show.
    /// </summary>
    public static InputRejectedException From(IdentityResult result, string loginField, string passwordField, int requiredLength) =>
        new(result.Errors.Select(e => new FieldError(
            e.Code.StartsWith("Password", StringComparison.Ordinal) ? passwordField : loginField,
            "identity." + e.Code, e.Description, requiredLength)).ToArray());
}
