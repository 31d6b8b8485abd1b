using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
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
                    id = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_stamp", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "catalog_stamp",
                columns: new[] { "id", "version" },
                values: new object[] { 1, 0L });

            // What resolution reads raises the catalog's version in the same transaction (see CatalogStamp), once per
            // statement. New SKUs and new codes are not watched, as on SQLite: the resolver looks up any code or mapped
            // SKU its snapshot lacks before trusting it.
            migrationBuilder.Sql("CREATE FUNCTION catalog_stamp_bump() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$ BEGIN UPDATE catalog_stamp SET version = version + 1; RETURN NULL; END $$;");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_skus AFTER UPDATE OF code, active, kind, retail_price, cost_price OR DELETE OR TRUNCATE ON skus FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_codes AFTER UPDATE OR DELETE OR TRUNCATE ON catalog_codes FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_combo_components AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON combo_components FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_sku_replacements AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sku_replacements FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_settings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog_settings FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_skus ON skus;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_codes ON catalog_codes;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_combo_components ON combo_components;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_sku_replacements ON sku_replacements;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_settings ON catalog_settings;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS catalog_stamp_bump();");
            migrationBuilder.DropTable(
                name: "catalog_stamp");
        }
    }
}
