using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class CatalogStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "catalog_stamp",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_stamp", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "catalog_stamp",
                columns: new[] { "id", "version" },
                values: new object[] { 1, 0L });

            // What resolution reads raises the catalog's version in the same transaction (see CatalogStamp). New SKUs
            // and new codes are not watched (SQLite fires a trigger per row, which would cost a 100,000-SKU import a
            // write per row): a new SKU reaches resolution only through a code or a mapped listing, and the resolver
            // looks up any code or mapped SKU its snapshot lacks before trusting it.
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_skus_update AFTER UPDATE OF code, active, kind, retail_price, cost_price ON skus BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_skus_delete AFTER DELETE ON skus BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_codes_update AFTER UPDATE ON catalog_codes BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_codes_delete AFTER DELETE ON catalog_codes BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_combo_components_insert AFTER INSERT ON combo_components BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_combo_components_update AFTER UPDATE ON combo_components BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_combo_components_delete AFTER DELETE ON combo_components BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_sku_replacements_insert AFTER INSERT ON sku_replacements BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_sku_replacements_update AFTER UPDATE ON sku_replacements BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_sku_replacements_delete AFTER DELETE ON sku_replacements BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_settings_insert AFTER INSERT ON catalog_settings BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_settings_update AFTER UPDATE ON catalog_settings BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_settings_delete AFTER DELETE ON catalog_settings BEGIN UPDATE catalog_stamp SET version = version + 1; END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_skus_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_skus_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_codes_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_codes_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_combo_components_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_combo_components_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_combo_components_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_sku_replacements_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_sku_replacements_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_sku_replacements_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_settings_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_settings_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_settings_delete;");
            migrationBuilder.DropTable(
                name: "catalog_stamp");
        }
    }
}
