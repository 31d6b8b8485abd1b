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

            // What resolution reads raises the catalog's version (see CatalogStamp) once per transaction, when it commits:
            // deferred constraint triggers, so that the one stamp row is locked only for the moment of the commit (an
            // import holding it from its first update would make every other catalog write wait, and could deadlock
            // with them). The table is found through the schema of the table that changed, not the search path.
            // New SKUs and new codes are not watched, as on SQLite: the resolver looks up any code or mapped SKU its
            // snapshot lacks before trusting it.
            migrationBuilder.Sql("""
                CREATE FUNCTION catalog_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF current_setting('shelfbook.catalog_stamped', true) IS DISTINCT FROM '1' THEN
                        PERFORM set_config('shelfbook.catalog_stamped', '1', true);
                        EXECUTE format('UPDATE %I.catalog_stamp SET version = version + 1', TG_TABLE_SCHEMA);
                    END IF;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("CREATE CONSTRAINT TRIGGER catalog_stamp_skus AFTER UPDATE OF code, active, kind, retail_price, cost_price OR DELETE ON skus DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_skus_truncate AFTER TRUNCATE ON skus FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE CONSTRAINT TRIGGER catalog_stamp_catalog_codes AFTER UPDATE OR DELETE ON catalog_codes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_codes_truncate AFTER TRUNCATE ON catalog_codes FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE CONSTRAINT TRIGGER catalog_stamp_combo_components AFTER INSERT OR UPDATE OR DELETE ON combo_components DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_combo_components_truncate AFTER TRUNCATE ON combo_components FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE CONSTRAINT TRIGGER catalog_stamp_sku_replacements AFTER INSERT OR UPDATE OR DELETE ON sku_replacements DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_sku_replacements_truncate AFTER TRUNCATE ON sku_replacements FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE CONSTRAINT TRIGGER catalog_stamp_catalog_settings AFTER INSERT OR UPDATE OR DELETE ON catalog_settings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_stamp_bump();");
            migrationBuilder.Sql("CREATE TRIGGER catalog_stamp_catalog_settings_truncate AFTER TRUNCATE ON catalog_settings FOR EACH STATEMENT EXECUTE FUNCTION catalog_stamp_bump();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_skus ON skus;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_skus_truncate ON skus;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_codes ON catalog_codes;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_codes_truncate ON catalog_codes;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_combo_components ON combo_components;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_combo_components_truncate ON combo_components;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_sku_replacements ON sku_replacements;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_sku_replacements_truncate ON sku_replacements;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_settings ON catalog_settings;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS catalog_stamp_catalog_settings_truncate ON catalog_settings;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS catalog_stamp_bump();");
            migrationBuilder.DropTable(
                name: "catalog_stamp");
        }
    }
}
