using Microsoft.Extensions.Options;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;

namespace Shelfbook.Platform.Tests.Tenancy;

public sealed class TenantModelTests
{
    private static TenantDbContext Open(params System.Reflection.Assembly[] modules)
    {
        var databases = new Databases(Options.Create(new DatabaseOptions { DataPath = Path.GetTempPath() }), new TenantModel(modules));
        return databases.OpenTenant(TenantCode.Parse("model_test"), new SystemActor(), TimeProvider.System);
    }

    [Fact]
    public void Each_set_of_modules_gets_its_own_model_in_one_process()
    {
        using var withInventory = Open(typeof(Inventory.InventoryModule).Assembly);
        using var withoutInventory = Open(typeof(Shelfbook.Access.AccessModule).Assembly);

        Assert.NotNull(withInventory.Model.FindEntityType(typeof(Warehouse)));
        Assert.Null(withoutInventory.Model.FindEntityType(typeof(Warehouse)));
        Assert.NotNull(withoutInventory.Model.FindEntityType(typeof(AuditEntry)));
    }
}
