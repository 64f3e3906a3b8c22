## 提案列表

proposals-title = 提案和决定
proposals-filter-label = 显示
proposals-filter-all = 全部提案
proposals-filter-open = 未决（分发中或表决中）
proposals-filter-decided = 已决（通过、否决或未达法定人数）
proposals-filter-show = 筛选
proposals-count = 找到的提案和修正案：{ $count }
proposals-list-caption = 提案和修正案，最新的在前
proposals-none-found = 没有符合该选择的提案。
proposals-beyond-end = 没有第 { $page } 页：列表共 { $pages } 页。
proposals-back-to-last = 前往最后一页
proposals-pages = 列表分页
proposals-previous = 上一页
proposals-next = 下一页
proposals-page-of = 第 { $page } 页，共 { $pages } 页
proposals-sponsor = 提案国
proposals-procedure = 程序
proposals-deadline = 截止时间
proposals-tally = 计票
proposals-tally-short = 赞成 { $yes }，反对 { $no }，弃权 { $abstain }
proposals-by-consensus = 未表决：协商一致
proposals-no-count = 无计票
proposals-silence-no-vote = 除非默许被打破，否则不表决
proposals-amends = 所修正的提案：
proposals-bad-page = 页码必须是从 1 开始的整数（收到“{ $got }”）。
proposals-bad-status = 未知状态“{ $got }”。请从以下选择：{ $allowed }。
proposals-bad-query = 无法读取地址中的参数：{ $why }
proposals-procedure-vote = 记录表决
proposals-procedure-silence = 默许程序

## 单个提案

proposals-bad-id = “{ $got }”不是提案编号：编号为 1 至 64 个 a–z、0–9 和“-”字符，且不以“-”开头。
proposals-unknown = 没有该编号的提案或修正案。
proposals-status = 状态：
proposals-adopted-by-vote = 经记录表决
proposals-adopted-by-consensus = 经默许程序协商一致
proposals-cosponsors = 共同提案国
proposals-none = 无
proposals-question = 问题类别
proposals-question-ordinary = 普通问题
proposals-question-important = 重要问题
proposals-submitted = 提交时间
proposals-closed-at = 作出决定的条目
proposals-text = 案文
proposals-original-text = 最初提交的案文
proposals-action = 拟议行动
proposals-action-json = 签署时的行动（JSON）
proposals-action-unknown = 本门户无法描述此行动；其 JSON 如下。
proposals-action-result = 执行结果：
proposals-action-admit = 接纳为成员国：
proposals-action-key = 其公钥：
proposals-action-suspend = 暂停表决权：
proposals-action-reinstate = 恢复表决权：
proposals-action-rules = 修改以下议事规则：
proposals-action-establish = 设立《守则》的新文件，作为其第 1 版：
proposals-action-articles = 第 1 版的条款数：{ $count }
proposals-action-amend = 制定文件的新版本
proposals-action-base = 对第 { $version } 版作如下修改：
proposals-action-translate = 通过《守则》一个条款的译文：
proposals-action-document = 文件：
proposals-action-version = 版本：{ $version }
proposals-action-article = 条款：{ $article }
proposals-action-language = 语言：
proposals-change-insert-after = 在第 { $after } 条之后插入第 { $article } 条
proposals-change-insert-first = 在开头插入第 { $article } 条
proposals-change-replace = 替换第 { $article } 条
proposals-change-delete = 删除第 { $article } 条
proposals-change-reword = 修改第 { $article } 条的 { $lang } 措辞
proposals-change-proposed = 拟议案文
proposals-rule-ordinary-majority = 普通问题所需多数
proposals-rule-important-majority = 重要问题所需多数
proposals-rule-important-actions = 使问题成为重要问题的行动
proposals-rule-quorum = 法定人数
proposals-rule-min-silence = 默许程序的最短期限
proposals-rule-min-vote = 记录表决的最短期限
proposals-rule-silence-vote = 默许被打破后的表决期限
proposals-rule-vote-change = 成员可以更改投票
proposals-seconds = { $n } 秒
proposals-yes = 是
proposals-no = 否
proposals-majority-simple = 所投票数的简单多数（赞成票多于反对票）
proposals-majority-two-thirds = 所投票数的三分之二
proposals-quorum-none = 不要求
proposals-quorum-one-third = 至少三分之一有表决权的成员参加
proposals-quorum-majority = 过半数有表决权的成员参加
proposals-quorum-two-thirds = 至少三分之二有表决权的成员参加
proposals-amendments = 修正案
proposals-amendments-order = 修正案按此顺序在提案本身之前付诸表决。

## 默许程序

proposals-silence = 默许程序
proposals-silence-unbroken = 默许未被打破：除非有成员在截止时间前提出反对，提案即以协商一致方式通过。
proposals-silence-until = 截止时间：
proposals-silence-held = 默许未被打破：提案已在截止时间以协商一致方式通过。
proposals-silence-not-broken = 默许未被打破。
proposals-silence-broken = 默许已被 { $member } 在第 { $entry } 号条目打破。
proposals-silence-vote-until = 提案已交付记录表决，表决截止时间：
proposals-objections = 反对意见
proposals-dissociations = 不参与声明
proposals-dissociations-hint = 声明不参与的成员不阻止协商一致，但记录其不加入协商一致。
proposals-no-dissociations = 没有成员声明不参与。
proposals-member = 成员
proposals-reason = 理由
proposals-entry = 日志条目

## 记录表决

proposals-recorded-vote = 记录表决
proposals-no-votes = 尚无成员投票。
proposals-votes-caption = 各成员的投票
proposals-vote = 投票
proposals-explanation = 投票解释
proposals-vote-yes = 赞成
proposals-vote-no = 反对
proposals-vote-abstain = 弃权
proposals-not-voting = 未投票
proposals-tally-final = 最终计票，于表决结束时在以下条目作出
proposals-tally-live = 目前的计票；表决开放至
proposals-tally-not-final = 此计票并非最终结果：表决结束时未作计票。
proposals-chart-title = 表决结果
proposals-chart-desc = 赞成：{ $yes }。反对：{ $no }。弃权：{ $abstain }。未投票：{ $none }。
proposals-majority = 多数和法定人数
proposals-rules-now = 根据现行议事规则：
proposals-majority-required = 所需多数：
proposals-taking-part = 参加成员：{ $of } 个有表决权的成员中的 { $n } 个。
proposals-quorum-met = 已达到法定人数。
proposals-quorum-not-met = 未达到法定人数：提案未获通过。
proposals-majority-met = 已达到所需多数。
proposals-majority-not-met = 未达到所需多数。

## 日志条目

proposals-entries = 日志条目
proposals-entries-hint = 与本提案有关的每项行为都是公共日志中经签名的条目。打开条目即可查看并核验其证明。
proposals-entry-submitted = 由 { $member } 提交
proposals-entry-cosponsor = { $member } 成为共同提案国
proposals-entry-objection = { $member } 提出反对
proposals-entry-dissociation = { $member } 声明不参与
proposals-entry-amendment = 提交修正案 { $id }
proposals-entry-vote = { $member } 的投票
proposals-entry-closed = 表决结束
