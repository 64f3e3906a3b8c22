witnesses-title = الشهود
witnesses-intro = الشهود خوادم تشغّلها الدول الأعضاء. يتحقق كل شاهد من أن كل نقطة تحقق جديدة في السجل تمتد من النقاط التي رآها من قبل، ثم يوقّع عليها توقيعًا مشتركًا. ونقطة التحقق التي وقّعها عدد كافٍ من الشهود لا يمكن للسجل أن يعرضها على قرّاء مختلفين بصور مختلفة دون أن يُكشف أمره.
witnesses-policy-heading = السياسة السارية
witnesses-quorum-none-registered = لم يُسجَّل أي شاهد، لذلك لا يُشترط أي توقيع مشترك (`quorum none`): تستند نقطة التحقق إلى توقيع السجل وحده.
witnesses-quorum-none = لا يُحتسب أي شاهد مسجَّل في النصاب، لذلك لا يُشترط أي توقيع مشترك (`quorum none`): تستند نقطة التحقق إلى توقيع السجل وحده.
witnesses-quorum-intro = تبلغ نقطة التحقق النصاب عندما تحمل توقيعات مشتركة صالحة من:
witnesses-quorum-counted = { $n ->
    [1] الشاهد الوحيد المحتسب
   *[other] { $k } من الشهود المحتسبين البالغ عددهم { $n }
}
witnesses-quorum-group = { $n ->
    [1] الشاهد الوحيد المحتسب في المجموعة { $group }
   *[other] { $k } على الأقل من الشهود المحتسبين في المجموعة { $group } البالغ عددهم { $n }
}
witnesses-quorum-witness = شاهد الدولة
witnesses-set-by = حدّد قواعدَ الشهود هذه القرارُ المتخذ بشأن الاقتراح
witnesses-set-by-genesis = قواعد الشهود هذه هي قواعد التأسيس: لم يغيّرها أي قرار.
witnesses-policy-text = السياسة بصيغة `C2SP tlog-policy`، السارية عند نقطة التحقق { $size }
witnesses-policy-raw = السياسة كما تُقدَّم إلى المتحققين:
witnesses-registered-heading = الشهود المسجَّلون
witnesses-none-registered = لم تسجّل أي دولة عضو شاهدًا.
witnesses-legend = العلامات في صفوف النتائج:
witnesses-result-cosigned = وقّع
witnesses-result-bad = توقيع مشترك غير صالح
witnesses-result-refused = رفض نقطة التحقق
witnesses-result-unreachable = تعذّر الوصول إليه
witnesses-result-busy = لا يزال مشغولًا، لم يُسأل
witnesses-result-late = ردّ متأخرًا جدًا
witnesses-url = العنوان
witnesses-vkey = مفتاح التحقق
witnesses-counted = يُحتسب في النصاب
witnesses-counted-yes = نعم
witnesses-counted-no = لا
witnesses-since = سُجّل في القيد
witnesses-availability = التوافر مؤخرًا
witnesses-availability-share = وقّع { $k } من آخر { $n } نقاط تحقق ({ $percent }٪).
witnesses-availability-none = لم يُسأل بعد منذ بدء تشغيل هذه العقدة.
witnesses-last-cosigned = آخر توقيع مشترك
witnesses-last-problem = آخر مشكلة
witnesses-row-label = آخر النتائج ({ $n })، من الأقدم إلى الأحدث
witnesses-row-item = نقطة التحقق { $size }: { $result }
witnesses-recent-heading = نقاط التحقق الأخيرة
witnesses-recent-caption = آخر نقاط التحقق التي نشرتها هذه العقدة ({ $count })، من الأحدث إلى الأقدم
witnesses-col-size = القيود (حجم الشجرة)
witnesses-col-published = تاريخ النشر
witnesses-col-cosigned = الموقّعون
witnesses-col-quorum = النصاب
witnesses-cosigned-nobody = لا أحد من الشهود
witnesses-quorum-met = بلغ النصاب
witnesses-quorum-not-met = لم يبلغ النصاب
witnesses-quorum-not-required = لا يُشترط توقيع مشترك
witnesses-line-cosigned = التوقيعات المشتركة للشهود:
witnesses-line-link = الشهود وسياستهم
witnesses-line-none = لا يوقّع أي شاهد هذا السجل: سياسته لا تشترط أي توقيع مشترك.
