-- Japan MHLW supply status: one row per product (YJ code), coded Japanese values given English labels.
-- A value without a label here (a code MHLW adds later) is kept in Japanese rather than dropped.
CREATE OR REPLACE TABLE core.jp_supply_status AS
SELECT
    yj_code,
    product_name,
    ingredient_name,
    strength,
    company,
    supply_secured_category,
    CASE drug_class
        WHEN '1：内用薬' THEN 'internal use'
        WHEN '2：外用薬' THEN 'external use'
        WHEN '3：注射薬' THEN 'injection'
        ELSE drug_class
    END AS drug_class,
    therapeutic_category,
    CASE product_category
        WHEN '1：先発品' THEN 'originator'
        WHEN '2：後発品' THEN 'generic'
        WHEN '3：準先発品' THEN 'quasi-originator'
        WHEN '4：長期収載品' THEN 'long-listed originator'
        WHEN '5：その他医薬品' THEN 'other'
        WHEN '6：未収載医薬品' THEN 'not NHI-listed'
        ELSE product_category
    END AS product_category,
    basic_drug = '1：対象' AS basic_drug,
    CASE shipment_status
        WHEN '①通常出荷' THEN 'normal'
        WHEN '②限定出荷（自社の事情）' THEN 'limited (own circumstances)'
        WHEN '③限定出荷（他社品の影響）' THEN 'limited (knock-on from other products)'
        WHEN '④限定出荷（その他）' THEN 'limited (other)'
        WHEN '⑤供給停止' THEN 'suspended'
        ELSE shipment_status
    END AS supply_status,
    shipment_status AS supply_status_ja,
    CASE restriction_reason
        WHEN '１．需要増' THEN 'demand increase'
        WHEN '２．原材料調達上の問題' THEN 'raw material procurement problem'
        WHEN '３．製造トラブル（製造委託を含む）' THEN 'manufacturing problem (incl. contract manufacturing)'
        WHEN '４．品質トラブル（製造委託を含む）' THEN 'quality problem (incl. contract manufacturing)'
        WHEN '５．行政処分（製造委託を含む）' THEN 'regulatory action (incl. contract manufacturing)'
        WHEN '６．薬価削除' THEN 'NHI price delisting'
        WHEN '７．－' THEN NULL
        WHEN '８．その他の理由' THEN 'other reason'
        ELSE restriction_reason
    END AS restriction_reason,
    CASE resolution_outlook
        WHEN 'ア. あり' THEN 'expected'
        WHEN 'イ. なし' THEN 'not expected'
        WHEN 'ウ. 未定' THEN 'undecided'
        WHEN 'エ. －' THEN NULL
        ELSE resolution_outlook
    END AS resolution_outlook,
    resolution_timing,
    CASE shipment_volume
        WHEN 'Aプラス．出荷量増加' THEN 'increased'
        WHEN 'A．出荷量通常' THEN 'normal'
        WHEN 'B．出荷量減少' THEN 'decreased'
        WHEN 'C．出荷停止' THEN 'stopped'
        WHEN 'D．薬価削除予定' THEN 'NHI delisting planned'
        ELSE shipment_volume
    END AS shipment_volume,
    CASE volume_improvement_timing
        WHEN 'a．即時' THEN 'immediately'
        WHEN 'b．１か月以内' THEN 'within 1 month'
        WHEN 'c．２か月以内' THEN 'within 2 months'
        WHEN 'd．３か月以内' THEN 'within 3 months'
        WHEN 'e．３か月超' THEN 'over 3 months'
        ELSE volume_improvement_timing
    END AS volume_improvement_timing,
    volume_improvement_pct,
    nhi_listed,
    nhi_listing_date,
    shipment_status_updated AS supply_status_updated,
    other_info_updated,
    updated_this_release,
    _source, _snapshot, _file, _sha256, _line
FROM latest.jp_supply__supply_status;
