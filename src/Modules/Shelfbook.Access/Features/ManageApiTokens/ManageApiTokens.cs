using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access.Features.ManageApiTokens;

public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays);

public sealed record ApiTokenView(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? RevokedAt, DateTime? LastUsedAt);

/// <summary>The secret appears here once; afterwards only its prefix is shown.</summary>
public sealed record CreatedToken(ApiTokenView Token, string Secret);

/// <summary>A user's own personal API tokens: create, list, revoke.</summary>
public sealed class ManageApiTokens(ControlDbContext control, CurrentUser user, TimeProvider time)
{
    public const int MaxExpiryDays = 3650;

    public async Task<CreatedToken> CreateAsync(CreateTokenRequest request, CancellationToken ct)
    {
        var userId = user.UserId ?? throw new UnauthorizedAccessException();
        var check = new InputCheck();
        var name = check.Required("name", request.Name, 100);
        if (request.ExpiresInDays is < 1 or > MaxExpiryDays)
            check.Add("expiresInDays", "out_of_range", $"expiresInDays must be between 1 and {MaxExpiryDays}.", 1, MaxExpiryDays);
        check.ThrowIfAny();

        var now = time.StoredUtcNow();
        var secret = ApiTokenSecret.Generate();
        var token = new ApiToken
        {
            UserId = userId,
            Name = name,
            Prefix = secret[..10],
            Hash = ApiTokenSecret.Hash(secret),
            CreatedAt = now,
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        control.ApiTokens.Add(token);
        await control.SaveChangesAsync(ct);
        return new CreatedToken(View(token), secret);
    }

    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(CancellationToken ct)
    {
        var userId = user.UserId ?? throw new UnauthorizedAccessException();
        var tokens = await control.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return tokens.Select(View).ToList();
    }

    public async Task<ApiTokenView> GetAsync(Guid id, CancellationToken ct)
    {
        var userId = user.UserId ?? throw new UnauthorizedAccessException();
        var token = await control.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, ct)
                    ?? throw new NotFoundException("api_token", id);
        return View(token);
    }

    public async Task<ApiTokenView> RevokeAsync(Guid id, CancellationToken ct)
    {
        var userId = user.UserId ?? throw new UnauthorizedAccessException();
        // Another user's token is "not found", never "forbidden": its existence is not the caller's business.
        var token = await control.ApiTokens.SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, ct)
                    ?? throw new NotFoundException("api_token", id);
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.StoredUtcNow();
            AuditRecorder.Describe(token, "revoke");
            await control.SaveChangesAsync(ct);
        }
        return View(token);
    }

    private static ApiTokenView View(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt);
}
