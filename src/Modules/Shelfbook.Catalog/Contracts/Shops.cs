using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Catalog.Contracts;

public enum ShopPlatform
{
    Taobao,
    Tmall,
    Pinduoduo,
    Jd,
    Douyin,
    Amazon,
    Ebay,
    Shopify,
    AliExpress,

    /// <summary>Offline and other sales (线下), entered by hand or imported.</summary>
    Offline,
}

/// <summary>What other modules may know of a shop (店铺).</summary>
public sealed class ShopSummary
{
    public Guid Id { get; init; }
    public ShopPlatform Platform { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Active { get; init; }
}

public static class ShopQueries
{
    /// <summary>The tenant's shops, composable into the caller's query.</summary>
    public static IQueryable<ShopSummary> Summaries(TenantDbContext db) =>
        db.Set<Shop>().AsNoTracking().Select(s => new ShopSummary { Id = s.Id, Platform = s.Platform, Code = s.Code, Name = s.Name, Active = s.Active });
}
