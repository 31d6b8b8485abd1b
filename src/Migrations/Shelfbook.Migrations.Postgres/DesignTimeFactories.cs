using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Migrations.Postgres;

/// <summary>
/// Lets `dotnet ef migrations add` build the contexts for Postgres. The tenant model lists the same module
/// assemblies as the host (Shelfbook.Web/ShelfbookModules.cs); a module missing here shows at start-up as
/// pending model changes.
/// </summary>
internal static class DesignTime
{
    public const string ConnectionString = "Host=localhost;Database=design_time;Username=design;Password=design";

    public static TenantModel Modules => new([typeof(Access.AccessModule).Assembly, typeof(Catalog.CatalogModule).Assembly, typeof(Inventory.InventoryModule).Assembly, typeof(Channels.ChannelsModule).Assembly, typeof(Logistics.LogisticsModule).Assembly, typeof(Orders.OrdersModule).Assembly, typeof(Fulfillment.FulfillmentModule).Assembly]);

    public static DbContextOptions<T> Options<T>() where T : DbContext
    {
        var builder = new DbContextOptionsBuilder<T>();
        Databases.Configure(builder, DatabaseProvider.Postgres, ConnectionString);
        return builder.Options;
    }
}

internal sealed class ControlFactory : IDesignTimeDbContextFactory<ControlDbContext>
{
    public ControlDbContext CreateDbContext(string[] args) => new(DesignTime.Options<ControlDbContext>(), new SystemActor(), TimeProvider.System);
}

internal sealed class TenantFactory : IDesignTimeDbContextFactory<TenantDbContext>
{
    public TenantDbContext CreateDbContext(string[] args) =>
        new(DesignTime.Options<TenantDbContext>(), DesignTime.Modules, new SystemActor(), TimeProvider.System);
}
