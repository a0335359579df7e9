"""Render the WeChat Work plan as 企业微信 external-contact API responses.

- ``externalcontact_get-NNNN.jsonl``: ``externalcontact/get`` bodies, one per line,
  for contacts someone tagged (``follow_user`` with tag names, remarks, ``remark_mobiles``);
- ``batch_get_by_user-<userid>-NNNN.json``: ``externalcontact/batch/get_by_user``
  pages per employee for the untagged contacts (``external_contact_list`` of
  ``external_contact`` + ``follow_info``), ``next_cursor``;
- ``groupchat_get-<chat_id>.json``: ``externalcontact/groupchat/get`` per customer
  group (``member_list`` with ``type``, ``unionid``, ``invitor``; ``admin_list``);
- ``user_info_batchget-NNNN.json``: the brand's Official Account followers
  (``user/info/batchget``: ``openid``, ``unionid``, ``subscribe_time``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loaders.demo.config import CITIES_ZH
from loaders.demo.crm import TAG_GROUPS, CrmPlan, FollowUser, WeChatContact
from loaders.demo.people import Population
from loaders.demo.render import ChannelOutput, dump, write_json

__all__ = ["write_wechat_work"]

PAGE_SIZE = 100
GET_PER_FILE = 1000
_AVATAR = "http://wx.qlogo.cn/mmhead/{}/0"


class _WeCom:
    def __init__(self, pop: Population, crm: CrmPlan) -> None:
        self.pop = pop
        self.crm = crm
        self.tag_ids: dict[tuple[str, str], str] = {}
        self.group_ids: dict[str, str] = {}
        for group_name, names in TAG_GROUPS:
            self.group_ids[group_name] = pop.ids.tag_id()
            for name in names:
                self.tag_ids[(group_name, name)] = pop.ids.tag_id()

    def external_contact(self, contact: WeChatContact) -> dict[str, Any]:
        account = self.pop.accounts[contact.account]
        person = self.pop.people[account.person]
        data: dict[str, Any] = {
            "external_userid": account.native_id,
            "name": account.name,
            "avatar": _AVATAR.format(account.native_id[-12:]),
            "type": contact.contact_type,
            "gender": 1 + int(account.native_id[-1] in "abcdefghijklm"),
        }
        if contact.contact_type == 2:
            data.update(
                {
                    "position": "经理",
                    "corp_name": contact.corp_name,
                    "corp_full_name": contact.corp_name + "有限公司",
                }
            )
        if person.unionid:
            data["unionid"] = person.unionid
        return data

    def follower(self, index: int) -> dict[str, Any]:
        """An Official Account follower as ``user/info/batchget`` lists it."""
        account = self.pop.accounts[index]
        person = self.pop.people[account.person]
        city = CITIES_ZH[index % len(CITIES_ZH)]
        return {
            "subscribe": 1,
            "openid": account.native_id,
            "nickname": account.name,
            "sex": 1 + index % 2,
            "language": "zh_CN",
            "city": city,
            "province": "",
            "country": "中国",
            "headimgurl": _AVATAR.format(account.native_id[-12:]),
            "subscribe_time": account.created_at // 1000,
            "unionid": person.unionid,
            "remark": "",
            "groupid": 0,
            "tagid_list": [],
            "subscribe_scene": ("ADD_SCENE_QR_CODE", "ADD_SCENE_SEARCH")[index % 2],
            "qr_scene": 0,
            "qr_scene_str": "",
        }

    def follow(self, follow: FollowUser, *, named_tags: bool) -> dict[str, Any]:
        """An employee's record of a contact: ``follow_user`` of externalcontact/get
        (tags with names) or ``follow_info`` of batch/get_by_user (tag ids only)."""
        userid = self.crm.employees[follow.employee].userid
        record: dict[str, Any] = {
            "userid": userid,
            "remark": follow.remark,
            "description": follow.description,
            "createtime": follow.createtime,
        }
        if named_tags:
            record["tags"] = [
                {"group_name": g, "tag_name": n, "tag_id": self.tag_ids[(g, n)], "type": 1}
                for g, n in follow.tags
            ]
        else:
            record["tag_id"] = [self.tag_ids[t] for t in follow.tags]
        record.update(
            {"remark_mobiles": follow.mobiles, "oper_userid": userid, "add_way": follow.add_way}
        )
        if follow.state:
            record["state"] = follow.state
        return record


def write_wechat_work(out: Path, root: Path, pop: Population, crm: CrmPlan) -> ChannelOutput:
    """Write contacts (single and batch responses), Official Account followers and group
    chats."""
    out.mkdir(parents=True, exist_ok=True)
    wc = _WeCom(pop, crm)
    result = ChannelOutput("wechat-work")
    result.name_accounts(pop, "wechat", "wechat-mp")
    # Contacts someone tagged come as externalcontact/get bodies (follow_user tags carry
    # names), one per line; untagged ones as batch/get_by_user pages per employee.
    tagged = [c for c in crm.contacts if any(f.tags for f in c.follow)]
    untagged = [c for c in crm.contacts if not any(f.tags for f in c.follow)]
    for number, start in enumerate(range(0, len(tagged), GET_PER_FILE), start=1):
        path = out / f"externalcontact_get-{number:04d}.jsonl"
        chunk = tagged[start : start + GET_PER_FILE]
        lines = [
            dump(
                {
                    "errcode": 0,
                    "errmsg": "ok",
                    "external_contact": wc.external_contact(contact),
                    "follow_user": [wc.follow(f, named_tags=True) for f in contact.follow],
                }
            )
            for contact in chunk
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result.file(path, root).add("external_contacts", len(chunk))
    by_employee: dict[int, list[tuple[WeChatContact, FollowUser]]] = {}
    for contact in untagged:
        for follow in contact.follow:
            by_employee.setdefault(follow.employee, []).append((contact, follow))
    for employee, pairs in sorted(by_employee.items()):
        userid = crm.employees[employee].userid
        pages = [pairs[k : k + PAGE_SIZE] for k in range(0, len(pairs), PAGE_SIZE)]
        for number, page in enumerate(pages, start=1):
            path = out / f"batch_get_by_user-{userid}-{number:04d}.json"
            write_json(
                path,
                {
                    "errcode": 0,
                    "errmsg": "ok",
                    "external_contact_list": [
                        {
                            "external_contact": wc.external_contact(contact),
                            "follow_info": wc.follow(info, named_tags=False),
                        }
                        for contact, info in page
                    ],
                    "next_cursor": "" if number == len(pages) else pop.ids.hex(32),
                },
            )
            result.file(path, root).add("external_contacts", len(page))
    for number, start in enumerate(range(0, len(crm.followers), PAGE_SIZE), start=1):
        path = out / f"user_info_batchget-{number:04d}.json"
        batch = crm.followers[start : start + PAGE_SIZE]
        write_json(path, {"user_info_list": [wc.follower(a) for a in batch]})
        result.file(path, root).add("followers", len(batch))
    members_total = 0
    for group in crm.groups:
        members: list[dict[str, Any]] = []
        for employee in group.employees:
            members.append(
                {
                    "userid": crm.employees[employee].userid,
                    "type": 1,
                    "join_time": group.created,
                    "join_scene": 1,
                    "group_nickname": "",
                    "name": crm.employees[employee].name,
                }
            )
        for account_index, joined, scene, invitor in group.members:
            account = pop.accounts[account_index]
            member: dict[str, Any] = {"userid": account.native_id, "type": 2}
            unionid = pop.people[account.person].unionid
            if unionid:
                member["unionid"] = unionid
            member.update({"join_time": joined, "join_scene": scene})
            if invitor is not None:
                member["invitor"] = {"userid": crm.employees[invitor].userid}
            member.update({"group_nickname": "", "name": account.name})
            members.append(member)
        members_total += len(members)
        path = out / f"groupchat_get-{group.chat_id}.json"
        write_json(
            path,
            {
                "errcode": 0,
                "errmsg": "ok",
                "group_chat": {
                    "chat_id": group.chat_id,
                    "name": group.name,
                    "owner": crm.employees[group.owner].userid,
                    "create_time": group.created,
                    "notice": f"欢迎加入{group.name}，新品和活动会第一时间通知大家。",
                    "member_list": members,
                    "admin_list": [{"userid": crm.employees[a].userid} for a in group.admins],
                },
            },
        )
        entry = result.file(path, root)
        entry.add("members", len(members))
        entry.add("external_members", len(group.members))
    counts = result.counts
    counts["accounts"] = len(pop.by_platform.get("wechat", []))
    counts["contacts"] = len(crm.contacts)
    counts["group_only_members"] = counts["accounts"] - counts["contacts"]
    counts["groups"] = len(crm.groups)
    counts["memberships"] = members_total  # external members and staff, all groups
    staff = {f.employee for c in crm.contacts for f in c.follow}
    staff |= {e for g in crm.groups for e in g.employees}
    counts["employees"] = len(staff)
    counts["staff_links"] = sum(len(c.follow) for c in crm.contacts)  # follow_user entries
    counts["unionids"] = sum(
        1 for i in pop.by_platform.get("wechat", []) if pop.people[pop.accounts[i].person].unionid
    )
    counts["official_account_followers"] = len(crm.followers)
    return result
