using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Localization;
using Shelfbook.Access.Features.ManageRoles;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Access.Features.ManageUsers;

internal static class UserEndpoints
{
    public static void Map(IEndpointRouteBuilder access)
    {
        var users = access.MapGroup("/users").WithTags("Users 用户").RequirePermission(AccessPermissions.ManageUsers);
        users.MapGet("/", (string? search, bool? active, string? after, int? limit, ManageUsers handler, CancellationToken ct) =>
            handler.ListAsync(new UserFilter(search, active), PageRequest.From(after, limit), ct)).WithSummary("The tenant's users by login");
        users.MapGet("/{id:guid}", (Guid id, ManageUsers handler, CancellationToken ct) => handler.GetAsync(id, ct)).WithSummary("One user");
        users.MapPost("/", async (NewUserInput input, ManageUsers handler, CancellationToken ct) =>
        {
            var created = await handler.CreateAsync(input, ct);
            return TypedResults.Created($"/api/v1/access/users/{created.Id}", created);
        }).WithSummary("Add a user with a password and roles");
        users.MapPut("/{id:guid}", (Guid id, UserChanges changes, ManageUsers handler, CancellationToken ct) => handler.UpdateAsync(id, changes, ct))
            .WithSummary("Change a user's display name and roles");
        users.MapPost("/{id:guid}/deactivate", (Guid id, ManageUsers handler, CancellationToken ct) => handler.SetActiveAsync(id, false, ct))
            .WithSummary("Switch a user off (open sessions end within 5 minutes)");
        users.MapPost("/{id:guid}/activate", (Guid id, ManageUsers handler, CancellationToken ct) => handler.SetActiveAsync(id, true, ct))
            .WithSummary("Switch a user on again");
        users.MapPost("/{id:guid}/password", (Guid id, PasswordInput input, ManageUsers handler, CancellationToken ct) => handler.ResetPasswordAsync(id, input, ct))
            .WithSummary("Set a new password for a user");
        users.MapPost("/{id:guid}/unlock", (Guid id, ManageUsers handler, CancellationToken ct) => handler.UnlockAsync(id, ct))
            .WithSummary("Unlock a user locked out by failed sign-ins");

        var roles = access.MapGroup("/roles").WithTags("Roles 角色").RequirePermission(AccessPermissions.ManageRoles);
        roles.MapGet("/", (ManageRoles.ManageRoles handler, CancellationToken ct) => handler.ListAsync(ct)).WithSummary("The tenant's roles");
        roles.MapGet("/{id:guid}", (Guid id, ManageRoles.ManageRoles handler, CancellationToken ct) => handler.GetAsync(id, ct)).WithSummary("One role");
        roles.MapPost("/", async (RoleInput input, ManageRoles.ManageRoles handler, CancellationToken ct) =>
        {
            var created = await handler.CreateAsync(input, ct);
            return TypedResults.Created($"/api/v1/access/roles/{created.Id}", created);
        }).WithSummary("Create a role from permissions");
        roles.MapPut("/{id:guid}", (Guid id, RoleInput input, ManageRoles.ManageRoles handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Rename a role or change its permissions");
        roles.MapDelete("/{id:guid}", async (Guid id, ManageRoles.ManageRoles handler, CancellationToken ct) =>
        {
            await handler.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete a role that no user holds");

        access.MapGet("/permissions", (ManageRoles.ManageRoles handler, IStringLocalizerFactory localizers) => handler.Permissions(localizers))
            .WithTags("Roles 角色").WithSummary("Every permission the modules declare, described")
            .RequirePermission(AccessPermissions.ManageRoles);
    }
}
